// What a sweep needs from a kind's control plane: read the original values of the swept keys,
// apply one variant (journaled before the first change, waited until the platform serves it), and
// put the original back (idempotent; at the end, on error and on Ctrl-C; after a killed run,
// `coldbench restore` does it from the journal).
import type { Journal } from '../journal.js';
import type { Variant } from './sweep-types.js';

export interface Sweeper {
  /** Read the original configuration (before any change); throws TargetFailure when it cannot. */
  prepare(): Promise<void>;
  /** The original values of the swept keys, as the platform reports them (for logs and reports). */
  original(): Variant;
  /** Apply one variant through the control plane and wait until the platform serves it. */
  apply(variant: Variant): Promise<void>;
  /** Put the original configuration back (idempotent, once when called concurrently; ignores the
   *  run's abort signal). */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export interface SweeperContext {
  signal: AbortSignal;
  journal: Journal;
  log: (message: string) => void;
}
