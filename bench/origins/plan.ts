// `plan` for origins: per origin, what a run with --origins will create and remove, from the target
// file alone (pure: no platform is read or touched). Names carry the run's id, which a plan made
// before the run does not know: it shows `<run>` in its place.
import type { OriginConfig } from '../config/origin-types.js';
import type { RunConfig } from '../config/schema.js';
import { kubernetesPlan } from './kubernetes-manifests.js';
import { lambdaPlan } from './lambda-plan.js';
import { shippedTargetFile } from './shipped-file.js';
import type { OriginPlan } from './types.js';

export const PLANNED_RUN_ID = '<run>';

export function planOrigin(origin: OriginConfig, config: Pick<RunConfig, 'text' | 'targets'>, runId = PLANNED_RUN_ID, env: NodeJS.ProcessEnv = process.env): OriginPlan {
  const input = { runId, shipped: shippedTargetFile(config, env, origin.engine), targets: config.targets };
  switch (origin.engine) {
    case 'kubernetes':
      return kubernetesPlan(origin.name, origin.kubernetes, input);
    case 'lambda':
      return lambdaPlan(origin.name, origin.lambda, input);
  }
}

/** Every origin of the file (or those selected), in file order. */
export function planOrigins(config: Pick<RunConfig, 'text' | 'targets' | 'origins'>, names?: readonly string[]): Array<{ origin: string; engine: OriginConfig['engine'] } & OriginPlan> {
  return config.origins.filter((o) => !names || names.includes(o.name)).map((o) => ({ origin: o.name, engine: o.engine, ...planOrigin(o, config) }));
}
