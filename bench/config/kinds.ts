// The target kinds and the cold strategies each supports: the one list every per-kind map is
// checked against (a kind missing from a ByKind map is a compile error).
export const TARGET_KINDS = ['http', 'lambda', 'cloud-function', 'cloud-run', 'knative', 'kubernetes'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export function isTargetKind(value: unknown): value is TargetKind {
  return TARGET_KINDS.some((kind) => kind === value);
}

/** A map with exactly one entry per target kind: a kind added to TARGET_KINDS and missing here,
 *  or a key that is not a kind, is a compile error. */
export type ByKind<T extends Record<TargetKind, unknown> & Record<Exclude<keyof T, TargetKind>, never>> = T;

export const COLD_STRATEGIES = ['none', 'idle', 'command', 'update-config', 'publish-version', 'scale-to-zero', 'scale-from-zero'] as const;
export type ColdStrategy = (typeof COLD_STRATEGIES)[number];

/** Which cold strategies each kind supports (an unsupported one is a validation error). */
export const STRATEGIES_BY_KIND: Record<TargetKind, readonly ColdStrategy[]> = {
  http: ['none', 'idle', 'command'],
  lambda: ['update-config', 'publish-version', 'idle', 'none'],
  'cloud-function': ['update-config', 'idle', 'none'],
  'cloud-run': ['update-config', 'idle', 'none'],
  knative: ['scale-to-zero', 'idle', 'none', 'command'],
  kubernetes: ['scale-from-zero', 'none', 'idle', 'command'],
};

/** Default cold strategy per kind: the one that really forces a cold start. */
export const DEFAULT_STRATEGY: Record<TargetKind, ColdStrategy> = {
  http: 'none',
  lambda: 'update-config',
  'cloud-function': 'update-config',
  'cloud-run': 'update-config',
  knative: 'scale-to-zero',
  kubernetes: 'scale-from-zero',
};
