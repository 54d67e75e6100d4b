// The parts of a serving.knative.dev/v1 Service the knative adapter reads (the custom-objects API
// returns untyped JSON), its revision-template annotations, and Knative's Go-style durations.
import { TargetFailure } from '../errors.js';

export interface KnativeServiceObject {
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: {
    template?: {
      metadata?: { annotations?: Record<string, string> };
      spec?: { containerConcurrency?: number; containers?: { resources?: { requests?: Record<string, string> } }[] };
    };
  };
  status?: {
    url?: string;
    latestReadyRevisionName?: string;
    conditions?: { type?: string; status?: string; message?: string; reason?: string }[];
  };
}

export function asKnativeService(object: unknown): KnativeServiceObject {
  if (object === null || typeof object !== 'object') throw new TargetFailure('the API returned no Service object');
  return object;
}

/** A revision-template annotation `autoscaling.knative.dev/<key>`, under any of its spellings
 *  (min-scale was minScale before Knative 0.19; both still work). */
export function autoscalingAnnotation(service: KnativeServiceObject, ...keys: string[]): string | undefined {
  const annotations = service.spec?.template?.metadata?.annotations ?? {};
  for (const key of keys) {
    const value = annotations[`autoscaling.knative.dev/${key}`];
    if (value !== undefined) return value;
  }
  return undefined;
}

const GO_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a Go duration ("60s", "1m30s", "6s", "0s"); null if it is not one. */
export function goDurationMs(text: string | undefined): number | null {
  if (text === undefined) return null;
  const value = text.trim();
  if (value === '0') return 0;
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(value)) return null;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(amount) * (GO_UNITS[unit ?? 's'] ?? 0);
  return Math.round(total);
}
