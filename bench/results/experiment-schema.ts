// results.json's experiment blocks read back (`experiments.burst`, `experiments.keepalive`, a warm
// phase's `stages`), checked against the shape bench/experiments/ writes. Loose, like schema.ts.
import { z } from '../zod.js';
import { ERROR_KINDS } from '../errors.js';

const num = z.number();
const nullableNum = z.number().nullable();
const errorsByKind = z.partialRecord(z.enum(ERROR_KINDS), num);
const summary = z.looseObject({
  count: num, errors: num, minUs: num, p50Us: num, p90Us: num, p95Us: num, p99Us: num, p999Us: num, maxUs: num, meanUs: num, stddevUs: num,
});

const sample = z.looseObject({
  startedAt: z.string(),
  latencyUs: num,
  status: nullableNum,
  error: z.enum(ERROR_KINDS).nullable(),
  cold: z.boolean().nullable(),
  instance: z.string().nullable(),
  initUs: nullableNum,
});

const burst = z.looseObject({
  strategy: z.string(),
  sizes: z.array(
    z.looseObject({
      size: num,
      summary,
      histogram: z.string(),
      errorsByKind,
      bursts: z.array(z.looseObject({ controlPlaneUs: nullableNum, instances: nullableNum, coldStarts: nullableNum, requests: z.array(sample) })),
    }),
  ),
});

const keepalive = z.looseObject({
  gaps: z.array(
    z.looseObject({
      idleMs: num, samples: num, cold: num, unverified: num, errors: num, pCold: nullableNum, ciLow: nullableNum, ciHigh: nullableNum, requests: z.array(sample),
    }),
  ),
});

export const experimentsSchema = z.looseObject({ burst: burst.optional(), keepalive: keepalive.optional() });

export const stagesSchema = z.array(
  z.looseObject({ startMs: num, durationMs: num, fromRate: num, toRate: num, scheduled: num, sent: num, errors: num, coldStarts: num }),
);
