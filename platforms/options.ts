// Option types every emulator shares (`emulators:` in a target file): durations and ports.
import { z } from 'zod';
import { DURATION_TEXT, durationToMs } from './duration.js';

/** "500ms", "2s" or a number of milliseconds, validated but kept as written. */
export const durationInput = z.union([z.string().regex(DURATION_TEXT, { error: 'expected a duration like 500ms or 2s' }), z.number().nonnegative()], {
  error: 'expected a duration like 500ms or 2s',
});

/** A duration option turned into milliseconds. */
export const durationMs = durationInput.transform((value) => durationToMs(value));

/** A TCP port; 0 means a random free port. */
export const portOption = z.int({ error: 'expected a port number' }).min(0).max(65535);
