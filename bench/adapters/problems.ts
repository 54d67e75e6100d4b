// Up-front findings about a target, made from read-only calls before anything is changed. The
// same findings serve `run` (an error fails the target before its first change; warnings are
// logged and kept) and, later, a read-only `plan`. Each message names what is wrong and the fix.
import { TargetFailure } from '../errors.js';

export type ProblemSeverity = 'error' | 'warning';

export interface Problem {
  /** error: the run would fail or do harm; warning: the numbers would mislead. */
  severity: ProblemSeverity;
  /** One sentence naming what is wrong and how to fix it. */
  message: string;
}

export const problemError = (message: string): Problem => ({ severity: 'error', message });
export const problemWarning = (message: string): Problem => ({ severity: 'warning', message });

/** Log every warning (or hand it to `warn`, which keeps it with the target's results); throw a
 *  TargetFailure carrying the first error (nothing has been changed yet). */
export function enforceProblems(problems: readonly Problem[], ctx: { log: (message: string) => void; warn?: (message: string) => void }): void {
  for (const p of problems) if (p.severity === 'warning') (ctx.warn ?? ((m: string) => ctx.log(`warning: ${m}`)))(p.message);
  const first = problems.find((p) => p.severity === 'error');
  if (first) throw new TargetFailure(first.message);
}
