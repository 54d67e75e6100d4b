// What the orchestrator sends a Lambda origin's function and what it answers: the contract between
// `coldbench run --origins` and the bundled handler (lambda-handler.ts), checked on both sides.
import { z } from '../zod.js';

/** The tag whose presence asks a running origin to stop early (Ctrl-C), as partial. */
export const STOP_TAG = 'coldbench-stop';

export const originEventSchema = z.strictObject({
  coldbenchOrigin: z.literal(1),
  /** The origin's name: the label of its results. */
  origin: z.string().min(1),
  /** The shipped target file (YAML). */
  targetFile: z.string().min(1),
  /** Values of the file's `${VAR}` references: only here, never in the function's configuration. */
  variables: z.record(z.string(), z.string()),
  /** How often the function looks for the stop tag on itself. */
  stopPollMs: z.int().positive(),
  /** Lambda API endpoint for that look (an emulator); absent on AWS. */
  lambdaEndpoint: z.string().optional(),
});
export type OriginEvent = z.infer<typeof originEventSchema>;

const encodedSchema = z.strictObject({ gzipBase64: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.int().nonnegative() });

export const originResponseSchema = z.strictObject({
  /** results.json, gzip + base64 (results-block.ts). */
  results: encodedSchema,
  /** The remote run's exit code (0, 1, 3, 130). */
  exitCode: z.int(),
  /** Its progress lines (the last ones), for the caller's log. */
  log: z.array(z.string()),
});
export type OriginResponse = z.infer<typeof originResponseSchema>;
