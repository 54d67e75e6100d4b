// One platform change the harness makes and must undo: written to the journal before the first
// mutation (write-ahead, so `coldbench restore` can undo a killed run), marked done after a
// successful restore. restore() is idempotent and safe to call concurrently: a second caller (a
// second Ctrl-C while the runner is already restoring) awaits the first instead of restoring twice.
import type { OriginEngine } from '../config/origin-types.js';
import type { TargetKind } from '../config/schema.js';
import type { Journal } from '../journal.js';

/** Who made a change: a target kind's adapter, an origin engine (what it created to run an origin),
 *  or a kind's sweep (the swept configuration, experiments/sweep-journals.ts). */
export type JournalKind = TargetKind | `origin-${OriginEngine}` | `sweep-${TargetKind}`;

/** What the journal holds for one change; `undo` and `location` are typed by each adapter. */
export interface ChangeRecord<U extends Record<string, unknown>, L extends Record<string, unknown>> {
  /** Unique id of the change: kind:target:what. */
  id: string;
  kind: JournalKind;
  target: string;
  /** Everything needed to undo the change (never a secret: the journal is an output). */
  undo: U;
  /** Where the platform is (endpoint, namespace, function...). */
  location: L;
}

export class JournaledChange<U extends Record<string, unknown>, L extends Record<string, unknown>> {
  private begun = false;
  private id = '';
  private restoring: Promise<void> | undefined;

  constructor(private readonly journal: Journal) {}

  /** True between begin() and a successful restore(): there is something to undo. */
  get pending(): boolean {
    return this.begun;
  }

  /** Record the change before making it; later calls (one per sample) write nothing. */
  begin(record: ChangeRecord<U, L>): void {
    if (this.begun) return;
    this.journal.begin({ ...record });
    this.id = record.id;
    this.begun = true;
  }

  /** Run `undo` once if a change is pending, then mark it done. On failure the journal entry stays
   *  open (and a later call tries again); concurrent callers share one attempt. */
  restore(undo: () => Promise<void>): Promise<void> {
    this.restoring ??= this.restoreOnce(undo).finally(() => {
      this.restoring = undefined;
    });
    return this.restoring;
  }

  private async restoreOnce(undo: () => Promise<void>): Promise<void> {
    if (!this.begun) return;
    await undo();
    this.begun = false;
    this.journal.done(this.id);
  }
}
