// Target file -> validated RunConfig. Every problem is collected (with field path and line) and
// reported at once as one ConfigError; nothing here touches a target.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, visit, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../errors.js';
import { parseDuration } from './duration.js';
import { interpolate, type InterpolationProblem } from './interpolate.js';
import { literalCredentials } from '../redact.js';
import { thresholdProblems } from '../thresholds.js';
import { pricingProblems } from '../pricing.js';
import {
  DEFAULT_STRATEGY,
  TARGET_KINDS,
  targetFileSchema,
  targetSchema,
  type ColdConfig,
  type RunConfig,
  type TargetConfig,
  type TargetInput,
  type TargetKind,
  type WarmConfig,
} from './schema.js';

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

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_WARM: WarmConfig = { durationMs: 10_000, connections: 4, maxConnections: 256, warmupMs: 0 };

/** Read, parse, interpolate and validate a target file. Throws ConfigError (exit 2) on any problem. */
export function loadTargetFile(file: string, env: NodeJS.ProcessEnv = process.env): RunConfig {
  // Relative when inside the working directory (short messages), else absolute (no ../../ chains).
  const relative = path.relative(process.cwd(), file);
  const display = relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, not a target file' : `cannot read (${code ?? 'error'})`;
    throw new ConfigError(display, [{ path: [], message: why }]);
  }
  return parseTargetFile(text, display, path.resolve(file), env);
}

/** Validate target-file text. `display` names the file in messages. */
export function parseTargetFile(text: string, display: string, absolute: string, env: NodeJS.ProcessEnv = process.env): RunConfig {
  if (text.includes('\u0000')) throw new ConfigError(display, [{ path: [], message: 'is a binary file, not YAML or JSON' }]);
  if (text.trim() === '') throw new ConfigError(display, [{ path: [], message: 'is empty; expected a target file with a `targets:` list' }]);

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntaxError = doc.errors[0];
  if (syntaxError) {
    // Only the first: after a syntax error the parser's further errors are mostly its echoes.
    throw new ConfigError(display, [
      {
        path: [],
        line: syntaxError.linePos?.[0]?.line ?? lineCounter.linePos(syntaxError.pos[0]).line,
        message: `invalid YAML: ${syntaxError.message.split('\n')[0]}`,
      },
    ]);
  }
  const lineOf = (fieldPath: FieldPath): number | undefined => findLine(doc, lineCounter, fieldPath);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // Aliases are resolved only here: an unknown anchor or an alias bomb throws a plain Error.
    throw new ConfigError(display, [{ path: [], line: firstAliasLine(doc, lineCounter), message: `invalid YAML: ${err instanceof Error ? err.message : String(err)}` }]);
  }
  if (raw === null || raw === undefined) {
    throw new ConfigError(display, [{ path: [], message: 'is empty (only comments); expected a target file with a `targets:` list' }]);
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(display, [{ path: [], line: 1, message: `expected a mapping with a \`targets:\` list, got ${describeInput(raw)}` }]);
  }

  const problems: ConfigProblem[] = [];
  const secrets = new Set<string>();
  const interpolationProblems: InterpolationProblem[] = [];
  const data = interpolate(raw, env, secrets, interpolationProblems) as Record<string, unknown>;
  for (const p of interpolationProblems) problems.push({ ...p, line: lineOf(p.path) });

  const top = targetFileSchema.safeParse(data, { reportInput: true });
  if (!top.success) {
    for (const issue of expandUnions(top.error.issues)) problems.push(problemOf(issue, [], lineOf));
    throw new ConfigError(display, sortProblems(problems));
  }
  const file = top.data;
  const defaults = (file.defaults ?? {}) as Record<string, unknown>;
  for (const p of thresholdProblems(file.thresholds ?? [])) problems.push({ path: ['thresholds', p.index], line: lineOf(['thresholds', p.index]), message: p.message });
  for (const p of pricingProblems(file.pricing ?? {})) problems.push({ path: ['pricing', p.key], line: lineOf(['pricing', p.key]), message: p.message });

  const targets: TargetConfig[] = [];
  const seen = new Map<string, number>();
  file.targets.forEach((rawTarget, index) => {
    const base: FieldPath = ['targets', index];
    if (rawTarget === null || typeof rawTarget !== 'object' || Array.isArray(rawTarget)) {
      problems.push({ path: base, line: lineOf(base), message: 'expected a mapping with name, kind and the kind\'s keys' });
      return;
    }
    const merged = deepMerge(defaultsFor(defaults, rawTarget as Record<string, unknown>), rawTarget as Record<string, unknown>);
    // Where a merged field came from defaults, point at the defaults line.
    const lineInTarget = (rel: FieldPath): number | undefined =>
      findLine(doc, lineCounter, [...base, ...rel], true) ?? findLine(doc, lineCounter, ['defaults', ...rel], true) ?? lineOf([...base, ...rel]);
    const kind = merged.kind;
    if (typeof kind !== 'string' || !(TARGET_KINDS as readonly string[]).includes(kind)) {
      problems.push({
        path: [...base, 'kind'],
        line: lineInTarget(['kind']),
        message:
          kind === undefined
            ? `missing; expected one of ${TARGET_KINDS.join(', ')}`
            : `unknown kind ${JSON.stringify(kind)}; expected one of ${TARGET_KINDS.join(', ')}`,
      });
      return;
    }
    const parsed = targetSchema.safeParse(merged, { reportInput: true });
    if (!parsed.success) {
      for (const issue of expandUnions(parsed.error.issues)) {
        const p = problemOf(issue, base, (full) => lineInTarget(full.slice(base.length)));
        problems.push(p);
      }
      return;
    }
    const name = parsed.data.name;
    const previous = seen.get(name);
    if (previous !== undefined) {
      problems.push({ path: [...base, 'name'], line: lineInTarget(['name']), message: `duplicate target name ${JSON.stringify(name)} (also targets[${previous}])` });
      return;
    }
    seen.set(name, index);
    const semantic = checkTarget(parsed.data);
    for (const p of semantic) problems.push({ path: [...base, ...p.path], line: lineInTarget(p.path), message: p.message });
    if (semantic.length === 0) targets.push(normalizeTarget(parsed.data, lineOf(base), file.timeout));
  });

  if (problems.length > 0) throw new ConfigError(display, sortProblems(problems));
  // Credentials written literally (Authorization: Bearer abc, https://u:p@host/?token=...) are
  // secrets as much as ${VAR} values are.
  for (const target of targets) for (const credential of literalCredentials(target)) secrets.add(credential);
  return {
    file: absolute,
    origin: file.origin,
    thresholds: file.thresholds ?? [],
    pricing: file.pricing ?? {},
    targets,
    emulators: (file.emulators ?? {}) as Record<string, Record<string, unknown>>,
    secrets,
  };
}

/** Checks that span several fields (zod validates fields one by one). */
function checkTarget(t: TargetInput): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const p of thresholdProblems(t.thresholds ?? [])) problems.push({ path: ['thresholds', p.index], message: p.message });
  for (const p of pricingProblems(t.pricing ?? {})) problems.push({ path: ['pricing', p.key], message: p.message });
  if (t.cold) {
    const strategy = t.cold.strategy ?? DEFAULT_STRATEGY[t.kind];
    if (strategy === 'command' && !t.cold.command) problems.push({ path: ['cold', 'command'], message: 'missing; the command strategy needs a shell command' });
    if (strategy === 'idle' && t.cold.idle === undefined) problems.push({ path: ['cold', 'idle'], message: 'missing; the idle strategy needs a duration to wait, e.g. idle: 90s' });
    if (strategy !== 'command' && t.cold.command) problems.push({ path: ['cold', 'command'], message: `only used with strategy: command (strategy is ${strategy})` });
  }
  if (t.warm) {
    if (t.warm.rate !== undefined && t.warm.connections !== undefined) {
      problems.push({ path: ['warm', 'rate'], message: 'set either rate (open model) or connections (closed model), not both' });
    }
    if (t.warm.duration !== undefined && t.warm.requests !== undefined) {
      problems.push({ path: ['warm', 'requests'], message: 'set either duration or requests, not both' });
    }
  }
  return problems;
}

function normalizeTarget(t: TargetInput, line: number | undefined, fileTimeout: string | number | undefined): TargetConfig {
  const cold: ColdConfig | null =
    t.cold === false || t.cold?.samples === 0
      ? null
      : {
          samples: t.cold?.samples ?? 5,
          strategy: t.cold?.strategy ?? DEFAULT_STRATEGY[t.kind],
          idleMs: t.cold?.idle !== undefined ? parseDuration(t.cold.idle) : 0,
          command: t.cold?.command,
          instanceHeader: t.cold?.instanceHeader?.toLowerCase(),
          waitTimeoutMs: t.cold?.waitTimeout !== undefined ? parseDuration(t.cold.waitTimeout) : 180_000,
          pollIntervalMs: t.cold?.pollInterval !== undefined ? parseDuration(t.cold.pollInterval) : 0,
        };
  const warm: WarmConfig | null =
    t.warm === false
      ? null
      : {
          durationMs: t.warm?.requests !== undefined ? undefined : t.warm?.duration !== undefined ? parseDuration(t.warm.duration) : DEFAULT_WARM.durationMs,
          requests: t.warm?.requests,
          connections: t.warm?.connections ?? DEFAULT_WARM.connections,
          rate: t.warm?.rate,
          maxConnections: t.warm?.maxConnections ?? DEFAULT_WARM.maxConnections,
          warmupMs: t.warm?.warmup !== undefined ? parseDuration(t.warm.warmup) : DEFAULT_WARM.warmupMs,
        };
  const timeoutSource = t.timeout ?? fileTimeout;
  const common = {
    name: t.name,
    region: t.region ?? 'unknown',
    method: (t.method ?? (t.body !== undefined ? 'POST' : 'GET')).toUpperCase(),
    headers: t.headers ?? {},
    body: t.body,
    timeoutMs: timeoutSource !== undefined ? parseDuration(timeoutSource) : DEFAULT_TIMEOUT_MS,
    cold,
    warm,
    thresholds: t.thresholds ?? [],
    pricing: t.pricing ?? {},
    line,
  };
  switch (t.kind) {
    case 'http':
      return { ...common, kind: 'http', url: t.url };
    case 'lambda':
      return { ...common, kind: 'lambda', function: t.function, qualifier: t.qualifier, endpoint: t.endpoint, payload: t.payload, url: t.url, architecture: t.architecture };
    case 'cloud-function':
      return { ...common, kind: 'cloud-function', project: t.project, function: t.function, url: t.url, apiEndpoint: t.apiEndpoint, auth: t.auth ?? 'id-token' };
    case 'knative':
      return { ...common, kind: 'knative', url: t.url, service: t.service, namespace: t.namespace ?? 'default', context: t.context, host: t.host };
    case 'kubernetes':
      return { ...common, kind: 'kubernetes', url: t.url, deployment: t.deployment, namespace: t.namespace ?? 'default', context: t.context };
  }
}

/** Keys that choose between alternatives: a target that sets one drops the default's other one
 *  (a target with `warm.requests` does not inherit the default `warm.duration`). */
const ALTERNATIVES: Array<[string, string, string]> = [
  ['warm', 'requests', 'duration'],
  ['warm', 'rate', 'connections'],
];

function defaultsFor(defaults: Record<string, unknown>, target: Record<string, unknown>): Record<string, unknown> {
  let out = defaults;
  for (const [section, a, b] of ALTERNATIVES) {
    const own = target[section];
    const inherited = out[section];
    if (!isPlainObject(own) || !isPlainObject(inherited)) continue;
    for (const [mine, theirs] of [[a, b], [b, a]] as const) {
      if (mine in own && theirs in inherited) {
        const { [theirs]: _dropped, ...rest } = inherited;
        out = { ...out, [section]: rest };
      }
    }
  }
  return out;
}

/** Objects merge key by key (target wins); arrays and scalars are replaced. */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] =
      isPlainObject(prev) && isPlainObject(value) ? deepMerge(prev, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Zod reports a failed union (e.g. `cold: false | {...}`) as one vague issue; report the problems
 *  of the branch whose type the input had instead. */
function expandUnions(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue[] {
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

function problemOf(issue: z.core.$ZodIssue, base: FieldPath, lineOf: (p: FieldPath) => number | undefined): ConfigProblem {
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

function describeInput(input: unknown): string {
  if (typeof input === 'string') return JSON.stringify(input.length > 60 ? input.slice(0, 57) + '...' : input);
  if (input === null) return 'null';
  if (Array.isArray(input)) return input.length === 0 ? 'an empty list' : 'a list';
  if (typeof input === 'object') return 'a mapping';
  return String(input);
}

function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  return [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

function firstAliasLine(doc: Document, counter: LineCounter): number | undefined {
  let line: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (node.range) line = counter.linePos(node.range[0]).line;
      return visit.BREAK;
    },
  });
  return line;
}

/** Line of the node at `fieldPath`, or of its nearest existing ancestor (unless exactOnly). */
function findLine(doc: Document, counter: LineCounter, fieldPath: FieldPath, exactOnly = false): number | undefined {
  let node: Node | null | undefined = doc.contents as Node | null;
  let lastLine: number | undefined = node?.range ? counter.linePos(node.range[0]).line : undefined;
  for (const part of fieldPath) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(part));
      if (!pair) return exactOnly ? undefined : lastLine;
      const keyNode = pair.key as Node;
      if (keyNode.range) lastLine = counter.linePos(keyNode.range[0]).line;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part] as Node | undefined;
      if (!item) return exactOnly ? undefined : lastLine;
      if (item.range) lastLine = counter.linePos(item.range[0]).line;
      node = item;
    } else {
      return exactOnly ? undefined : lastLine;
    }
  }
  return lastLine;
}

export type { TargetKind };
