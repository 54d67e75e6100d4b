// Normalisation: a validated target, with the file's defaults merged in, becomes the TargetConfig
// the runner uses (every default filled in, durations in ms). Also the checks that span fields.
import { DEFAULT_WAIT_TIMEOUT_MS } from '../control/defaults.js';
import { parseDuration } from './duration.js';
import { thresholdProblems } from '../thresholds.js';
import { pricingProblems } from '../pricing.js';
import { DEFAULT_STRATEGY, type ColdConfig, type TargetConfig, type TargetInput, type WarmConfig } from './schema.js';
import type { ConfigProblem } from './problems.js';
import { arrivalsDurationMs, experimentProblems, normalizeBurst, normalizeKeepalive } from './normalize-experiments.js';
import type { Arrivals } from './target-types.js';
import { sweepAxes, sweepProblems } from './sweep-schema.js';

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_WARM: WarmConfig = { durationMs: 10_000, connections: 4, maxConnections: 256, warmupMs: 0 };

/** Checks that span several fields (zod validates fields one by one). */
export function checkTarget(t: TargetInput): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const p of thresholdProblems(t.thresholds ?? [])) problems.push({ path: ['thresholds', p.index], message: p.message });
  for (const p of pricingProblems(t.pricing ?? {})) problems.push({ path: ['pricing', p.key], message: p.message });
  if (t.cold) {
    const strategy = t.cold.strategy ?? DEFAULT_STRATEGY[t.kind];
    if (strategy === 'command' && !t.cold.command) problems.push({ path: ['cold', 'command'], message: 'missing; the command strategy needs a shell command' });
    if (strategy === 'idle' && t.cold.idle === undefined) problems.push({ path: ['cold', 'idle'], message: 'missing; the idle strategy needs a duration to wait, e.g. idle: 90s' });
    if (strategy !== 'command' && t.cold.command) problems.push({ path: ['cold', 'command'], message: `only used with strategy: command (strategy is ${strategy})` });
  }
  if (t.kind !== 'http' && t.sweep) problems.push(...sweepProblems(t.sweep));
  if (t.kind === 'kubernetes') {
    if (t.url !== undefined && t.service !== undefined) problems.push({ path: ['service'], message: 'set either url or service (reached through the API server\'s service proxy), not both' });
    if (t.url === undefined && t.service === undefined) {
      problems.push({ path: ['url'], message: "missing; set url (an address that reaches the Deployment) or service (a Service of it, reached through the API server's service proxy)" });
    }
    for (const key of ['servicePort', 'path'] as const) {
      if (t[key] !== undefined && t.service === undefined) problems.push({ path: [key], message: 'only used with service: (requests through the API server\'s service proxy)' });
    }
  }
  if (t.warm) {
    if (t.warm.rate !== undefined && t.warm.connections !== undefined) {
      problems.push({ path: ['warm', 'rate'], message: 'set either rate (open model) or connections (closed model), not both' });
    }
    if (t.warm.duration !== undefined && t.warm.requests !== undefined) {
      problems.push({ path: ['warm', 'requests'], message: 'set either duration or requests, not both' });
    }
  }
  problems.push(...experimentProblems(t));
  return problems;
}

/** @param arrivals warm.stages / warm.trace, normalised (normalize-experiments.ts). */
export function normalizeTarget(t: TargetInput, line: number | undefined, fileTimeout: string | number | undefined, arrivals?: Arrivals): TargetConfig {
  const cold: ColdConfig | null =
    t.cold === false || t.cold?.samples === 0
      ? null
      : {
          samples: t.cold?.samples ?? 5,
          strategy: t.cold?.strategy ?? DEFAULT_STRATEGY[t.kind],
          idleMs: t.cold?.idle !== undefined ? parseDuration(t.cold.idle) : 0,
          command: t.cold?.command,
          instanceHeader: t.cold?.instanceHeader?.toLowerCase(),
          ...(t.cold?.instanceUptimeHeader ? { instanceUptimeHeader: t.cold.instanceUptimeHeader.toLowerCase() } : {}),
          waitTimeoutMs: t.cold?.waitTimeout !== undefined ? parseDuration(t.cold.waitTimeout) : DEFAULT_WAIT_TIMEOUT_MS,
          pollIntervalMs: t.cold?.pollInterval !== undefined ? parseDuration(t.cold.pollInterval) : 0,
        };
  const warm: WarmConfig | null =
    t.warm === false
      ? null
      : {
          durationMs: arrivals
            ? arrivalsDurationMs(arrivals)
            : t.warm?.requests !== undefined ? undefined : t.warm?.duration !== undefined ? parseDuration(t.warm.duration) : DEFAULT_WARM.durationMs,
          requests: t.warm?.requests,
          connections: t.warm?.connections ?? DEFAULT_WARM.connections,
          rate: t.warm?.rate,
          maxConnections: t.warm?.maxConnections ?? DEFAULT_WARM.maxConnections,
          warmupMs: t.warm?.warmup !== undefined ? parseDuration(t.warm.warmup) : DEFAULT_WARM.warmupMs,
          ...(t.warm?.prewarm !== undefined ? { prewarm: t.warm.prewarm } : {}),
          ...(arrivals ? { arrivals } : {}),
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
    ...experiments(t),
    ...(t.kind !== 'http' && t.sweep ? { sweep: sweepAxes(t.sweep) } : {}),
    line,
  };
  switch (t.kind) {
    case 'http':
      return { ...common, kind: 'http', url: t.url };
    case 'lambda':
      return { ...common, kind: 'lambda', function: t.function, qualifier: t.qualifier, endpoint: t.endpoint, payload: t.payload, url: t.url, architecture: t.architecture };
    case 'cloud-function':
      return { ...common, kind: 'cloud-function', project: t.project, function: t.function, url: t.url, apiEndpoint: t.apiEndpoint, auth: t.auth ?? 'id-token' };
    case 'cloud-run':
      return { ...common, kind: 'cloud-run', project: t.project, service: t.service, url: t.url, apiEndpoint: t.apiEndpoint, auth: t.auth ?? 'id-token' };
    case 'knative':
      return { ...common, kind: 'knative', url: t.url, service: t.service, namespace: t.namespace, context: t.context, host: t.host };
    case 'kubernetes':
      return {
        ...common,
        kind: 'kubernetes',
        url: t.url,
        service: t.service,
        servicePort: t.servicePort,
        path: t.path,
        deployment: t.deployment,
        namespace: t.namespace,
        context: t.context,
      };
  }
}

function experiments(t: TargetInput) {
  const burst = normalizeBurst(t);
  const keepalive = normalizeKeepalive(t);
  return { ...(burst ? { burst } : {}), ...(keepalive ? { keepalive } : {}) };
}

/** Keys that choose between alternatives: a target that sets one drops the default's other one
 *  (a target with `warm.requests` does not inherit the default `warm.duration`). */
const ALTERNATIVES: Array<[string, string, string]> = [
  ['warm', 'requests', 'duration'],
  ['warm', 'rate', 'connections'],
  // A varying rate (warm.stages / warm.trace) replaces the constant rate, the closed model and the duration.
  ...(['stages', 'trace'] as const).flatMap((key) => (['rate', 'connections', 'duration'] as const).map((other): [string, string, string] => ['warm', key, other])),
  ['warm', 'stages', 'trace'],
];

/** The defaults a target inherits, less the alternatives it chose otherwise. */
export function defaultsFor(defaults: Record<string, unknown>, target: Record<string, unknown>): Record<string, unknown> {
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
