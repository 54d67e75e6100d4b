// The handler of a Lambda origin's temporary function (bundled into one file by the build:
// dist/origin-lambda/index.mjs). It runs the shipped target file with the harness, as `coldbench
// run` would, and answers with the run's results.json (gzip + base64). `${VAR}` values arrive in
// the event and are used for the target file only: never set in the environment, never logged.
// It stops early, keeping what it measured (partial), when the caller tags the function with
// coldbench-stop (Ctrl-C), and before Lambda's timeout would kill it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ListTagsCommand } from '@aws-sdk/client-lambda';
import { createLambdaClient } from '../adapters/lambda-client.js';
import { parseTargetFile } from '../config/load.js';
import { messageOf } from '../errors.js';
import { redactText } from '../redact.js';
import { runConfig } from '../runner.js';
import { originEventSchema, STOP_TAG, type OriginResponse } from './lambda-event.js';
import { encodeResults } from './results-block.js';

interface LambdaContext {
  invokedFunctionArn: string;
  getRemainingTimeInMillis(): number;
}

/** Time kept before Lambda's timeout to restore the targets and answer. */
const RESERVE_MS = 45_000;
const LOG_LINES = 200;

/** Look for the stop tag on this function until stopped; an error (no permission) ends the looking. */
function watchStopTag(arn: string, event: { stopPollMs: number; lambdaEndpoint?: string }, onStop: () => void, log: (m: string) => void): () => void {
  const region = arn.split(':')[3] ?? process.env.AWS_REGION ?? 'us-east-1';
  const client = createLambdaClient({ region, endpoint: event.lambdaEndpoint, maxAttempts: 1, timeoutMs: 5_000 });
  let stopped = false;
  const timer = setInterval(() => {
    client.send(new ListTagsCommand({ Resource: arn })).then(
      (out) => {
        if (!stopped && out.Tags?.[STOP_TAG] !== undefined) {
          stopped = true;
          onStop();
        }
      },
      (err: unknown) => {
        log(`cannot read this function's tags (${messageOf(err)}): Ctrl-C on the caller will not stop this run early`);
        clearInterval(timer);
      },
    );
  }, event.stopPollMs);
  return () => {
    clearInterval(timer);
    client.destroy();
  };
}

export async function handler(raw: unknown, context: LambdaContext): Promise<OriginResponse> {
  const parsed = originEventSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`not a coldbench origin event: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const event = parsed.data;
  const secrets = Object.values(event.variables);
  const lines: string[] = [];
  const log = (message: string) => {
    const line = redactText(message, secrets);
    console.error(line);
    lines.push(line);
    if (lines.length > LOG_LINES) lines.shift();
  };
  const work = mkdtempSync(path.join(os.tmpdir(), 'coldbench-origin-'));
  const file = path.join(work, 'targets.yaml');
  writeFileSync(file, event.targetFile);
  const controller = new AbortController();
  const stopWatching = watchStopTag(context.invokedFunctionArn, event, () => {
    log('stop requested: restoring the targets and answering with what was measured');
    controller.abort();
  }, log);
  const deadline = setTimeout(() => {
    log('Lambda timeout ahead: stopping early, with what was measured');
    controller.abort();
  }, Math.max(0, context.getRemainingTimeInMillis() - RESERVE_MS));
  try {
    const config = parseTargetFile(event.targetFile, 'targets.yaml', file, { ...process.env, ...event.variables });
    const outcome = await runConfig(config, {
      out: path.join(work, 'report'),
      origin: event.origin,
      progress: { log, status: () => undefined, done: () => undefined },
      signal: controller.signal,
      reports: 'results-only',
    });
    const results = encodeResults(readFileSync(path.join(outcome.dir, 'results.json'), 'utf8'));
    return { results, exitCode: outcome.exitCode, log: lines };
  } finally {
    clearTimeout(deadline);
    stopWatching();
    rmSync(work, { recursive: true, force: true });
  }
}
