// Target file -> validated RunConfig. Every problem is collected (with field path and line) and
// reported at once as one ConfigError; nothing here touches a target.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { interpolate, type InterpolationProblem } from './interpolate.js';
import { literalCredentials } from '../redact.js';
import { thresholdProblems } from '../thresholds.js';
import { pricingProblems } from '../pricing.js';
import { TARGET_KINDS, targetFileSchema, targetSchema, type RunConfig, type TargetConfig, type TargetKind } from './schema.js';
import { CREDENTIAL_URL_FIELDS } from './url-fields.js';
import { ConfigError, describeInput, expandUnions, problemOf, sortProblems, type ConfigProblem, type FieldPath } from './problems.js';
import { findLine } from './positions.js';
import { quickLine, quickParse } from './yaml-quick.js';
import { fullData, parseFull, type FullDocument } from './yaml-full.js';
import { checkTarget, deepMerge, defaultsFor, normalizeTarget } from './normalize.js';
import { normalizeArrivals } from './normalize-experiments.js';
import { parseOrigins } from './origins.js';

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

  // The quick parser reads almost every file; the full one (with positions) only when it must.
  const quick = quickParse(text);
  let full: FullDocument | undefined;
  const fullDocument = (): FullDocument => (full ??= parseFull(text, display));
  const raw = quick ? quick.data : fullData(fullDocument(), display);
  const fullLine = (fieldPath: FieldPath, exactOnly = false): number | undefined => {
    const { doc, lineCounter } = fullDocument();
    return findLine(doc, lineCounter, fieldPath, exactOnly);
  };
  const lineOf = (fieldPath: FieldPath): number | undefined => quickLine(quick, fieldPath) ?? fullLine(fieldPath);
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
      fullLine([...base, ...rel], true) ?? fullLine(['defaults', ...rel], true) ?? lineOf([...base, ...rel]);
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
    // warm.trace's counts are read from its file (relative to the target file).
    const arrivals = semantic.length === 0 ? normalizeArrivals(parsed.data.warm || undefined, path.dirname(absolute)) : { problems: [] };
    for (const p of [...semantic, ...arrivals.problems]) problems.push({ path: [...base, ...p.path], line: lineInTarget(p.path), message: p.message });
    if (semantic.length === 0 && arrivals.problems.length === 0) targets.push(normalizeTarget(parsed.data, lineOf(base), file.timeout, arrivals.arrivals));
  });

  // Origins are checked against valid targets only (what an engine can measure, how long they take).
  const origins = problems.length === 0 && file.origins ? parseOrigins(file.origins, targets, lineOf, problems) : [];
  if (problems.length > 0) throw new ConfigError(display, sortProblems(problems));
  // Credentials written literally (Authorization: Bearer abc, https://u:p@host/?token=...) are
  // secrets as much as ${VAR} values are.
  for (const target of targets) for (const credential of literalCredentials(target, CREDENTIAL_URL_FIELDS)) secrets.add(credential);
  return {
    file: absolute,
    text,
    origins,
    origin: file.origin,
    thresholds: file.thresholds ?? [],
    pricing: file.pricing ?? {},
    targets,
    emulators: (file.emulators ?? {}) as Record<string, Record<string, unknown>>,
    secrets,
  };
}

// What parseTargetFile throws, for its callers.
export { ConfigError, type ConfigProblem, type FieldPath };
export type { TargetKind };
