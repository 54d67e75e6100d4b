// zod issues as coldbench words them: one line per issue, `path: expected X, got Y`, the path in
// the notation of the target-file errors (targets[0].phases.cold.summary.p50Us).
import type { z } from './zod.js';

/** `targets[0].phases.cold.summary.p50Us: expected a number, got "fast"`, one line per issue (at most 10). */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.slice(0, 10).map((issue) => {
    const where = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
    return `${where || '(top level)'}: ${issue.message}`;
  });
}

/** Messages that say what was expected and what came, in the words of the target-file errors. */
export const readableIssues: z.core.$ZodErrorMap = (issue) => {
  const got = shown(issue.input);
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${article(issue.expected)}, got ${got}`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${got}`;
    default:
      return undefined;
  }
};

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'an object';
  return JSON.stringify(value).slice(0, 80);
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
