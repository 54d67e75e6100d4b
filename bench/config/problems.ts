// Problem wording for target files: one line per problem, "file:line: field.path: message", in
// target-file words rather than zod's ("expected a mapping", not "expected record").
import type { z } from '../zod.js';
import { InputError } from '../errors.js';

export type FieldPath = (string | number)[];

export interface ConfigProblem {
  path: FieldPath;
  line?: number;
  message: string;
}

/** All problems of one target file. The message is one line per problem: file:line: path: message. */
export class ConfigError extends InputError {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(problems.map((p) => formatProblem(file, p)).join('\n'));
  }
}

export function formatPath(fieldPath: FieldPath): string {
  let out = '';
  for (const part of fieldPath) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out || '(document)';
}

function formatProblem(file: string, problem: ConfigProblem): string {
  const where = problem.line ? `${file}:${problem.line}` : file;
  return `${where}: ${formatPath(problem.path)}: ${problem.message}`;
}

/** Zod reports a failed union (e.g. `cold: false | {...}`) as one vague issue; report the problems
 *  of the branch whose type the input had instead. */
export function expandUnions(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const out: z.core.$ZodIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const typed = issue.errors.filter((branch) => !branch.some((e) => e.path.length === 0 && (e.code === 'invalid_type' || e.code === 'invalid_value')));
      if (typed.length === 1 && typed[0]) {
        out.push(...expandUnions(typed[0]).map((e) => ({ ...e, path: [...issue.path, ...e.path] })));
        continue;
      }
    }
    out.push(issue);
  }
  return out;
}

export function problemOf(issue: z.core.$ZodIssue, base: FieldPath, lineOf: (p: FieldPath) => number | undefined): ConfigProblem {
  const fieldPath: FieldPath = [...base, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
  let message = issue.message;
  if (issue.code === 'invalid_union' && message === 'Invalid input') {
    // No branch matched even the input's type (`cold: yes`): say which types would do.
    const expected = issue.errors.flatMap((branch) => branch.filter((e) => e.path.length === 0).map(expectedOf));
    message = `expected ${[...new Set(expected)].join(' or ') || 'another value'}`;
  }
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys;
    const key = keys[0] ?? '?';
    const full = [...fieldPath, key];
    return { path: full, line: lineOf(full), message: `unknown key${keys.length > 1 ? 's ' + keys.map((k) => JSON.stringify(k)).join(', ') : ''} (not part of this ${base.length ? 'target' : 'file'}'s schema; check the spelling)` };
  }
  message = plainMessage(message);
  if (issue.code === 'invalid_type' && issue.input === undefined) message = `missing; ${message}`;
  else if ('input' in issue && issue.input !== undefined && !message.includes(' got ') && issue.code !== 'invalid_value') {
    message += `, got ${describeInput(issue.input)}`;
  }
  return { path: fieldPath, line: lineOf(fieldPath), message };
}

/** zod's built-in wording ("Invalid input: expected record, received number") in target-file words
 *  ("expected a mapping"); the caller appends what was given. */
function plainMessage(message: string): string {
  const words: Record<string, string> = { record: 'a mapping', object: 'a mapping', array: 'a list', string: 'a string', number: 'a number', int: 'an integer', boolean: 'true or false' };
  return message
    .replace(/^Invalid input: /, '')
    .replace(/, received \w+$/, '')
    .replace(/^expected (record|object|array|string|number|int|boolean)$/, (_all, type: string) => `expected ${words[type]}`);
}

/** What a root-level issue of one union branch expected, in target-file words. */
function expectedOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value') return issue.values.map((v) => JSON.stringify(v)).join(' or ');
  if (issue.code === 'invalid_type') return issue.expected === 'object' ? 'a mapping' : issue.expected === 'array' ? 'a list' : `a ${issue.expected}`;
  return issue.message.replace(/^Invalid input: /, '');
}

export function describeInput(input: unknown): string {
  if (typeof input === 'string') return JSON.stringify(input.length > 60 ? input.slice(0, 57) + '...' : input);
  if (input === null) return 'null';
  if (Array.isArray(input)) return input.length === 0 ? 'an empty list' : 'a list';
  if (typeof input === 'object') return 'a mapping';
  return String(input);
}

export function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}
