// Target-file keys of the experiments (issue 16): `burst:`, `keepalive:` and the open model's
// `warm.stages` / `warm.trace`. Input shapes only; normalize-experiments.ts turns them into config.
import { z } from '../zod.js';

/** Bounds that keep one experiment finite: a burst never opens more connections than this. */
export const MAX_BURST_SIZE = 1000;
export const MAX_EXPERIMENT_SAMPLES = 100;
/** Stages or trace intervals of one warm phase. */
export const MAX_ARRIVAL_SEGMENTS = 100_000;

const positiveInt = z.int({ error: 'expected a positive integer' }).positive({ error: 'expected a positive integer' });
const samples = positiveInt.max(MAX_EXPERIMENT_SAMPLES, { error: `expected at most ${MAX_EXPERIMENT_SAMPLES} samples` });
const rate = z.number({ error: 'expected a number of requests per second' }).nonnegative({ error: 'expected a rate of 0 or more requests per second' });

/** The experiment keys of a target, built on the file's duration schema (schema.ts). */
export function experimentKeys(duration: z.ZodType<string | number>) {
  const positiveDuration = duration.refine((v) => (typeof v === 'number' ? v > 0 : !/^0+(\.0+)?\s*(ms|s|m|h)$/.test(v)), { error: 'expected a duration above 0' });
  return {
    burst: z
      .strictObject({
        sizes: z.array(positiveInt.max(MAX_BURST_SIZE, { error: `expected at most ${MAX_BURST_SIZE} requests` })).min(1, { error: 'expected at least one burst size' }),
        samples: samples.optional().describe('Bursts per size (default 1), each on a target forced cold by cold.strategy'),
      })
      .describe('N requests sent at the same instant on a target forced cold, per size: latency, instances that served them, errors by kind'),
    keepalive: z
      .strictObject({
        idle: z.array(positiveDuration).min(1, { error: 'expected at least one idle gap' }),
        samples: samples.optional().describe('Requests per gap (default 3)'),
      })
      .describe('After a warm request, wait each idle gap and send one request: the share of cold starts per gap'),
  };
}

/** `warm.stages`, `warm.startRate` and `warm.trace` (open model with a varying rate). */
export function arrivalKeys(duration: z.ZodType<string | number>) {
  return {
    stages: z
      .array(z.strictObject({ rate: rate.describe('Requests per second at the end of the stage'), duration }))
      .min(1, { error: 'expected at least one stage' })
      .max(MAX_ARRIVAL_SEGMENTS)
      .optional()
      .describe("Open model, k6's ramping arrival rate: the rate goes linearly from the previous stage's rate to each stage's rate over its duration (duration 0: a step)"),
    startRate: rate.optional().describe("warm.stages: the rate at the start (default: the first stage's rate, so the first stage holds it)"),
    trace: z
      .union([
        z.string().min(1),
        z.strictObject({
          file: z.string().min(1).describe('CSV, relative to the target file'),
          interval: z.enum(['1s', '1m'], { error: 'expected 1s (per-second counts) or 1m (per-minute counts)' }).optional().describe('What one count column covers (default 1m, as the Azure Functions trace)'),
          function: z.string().min(1).optional().describe('The row whose HashFunction (or first cell) is this; default: the first row'),
          scale: z.number().positive().optional().describe('Multiply every count (default 1)'),
        }),
      ])
      .optional()
      .describe('Open model replaying a CSV of request counts per interval in the Azure Functions trace layout (columns 1, 2, 3, ... hold the counts)'),
  };
}
