// A Lambda origin: a temporary function in the origin's region runs the bundled harness on the
// shipped target file. With a role ARN given it runs as that role; otherwise coldbench creates a
// least-privilege role (and retries CreateFunction while IAM has not yet made the new role
// visible to Lambda). It waits for the function to be Active, invokes it once (no retries: a
// retried invocation would measure warm instances as cold) with the target file and the `${VAR}`
// values in the payload, reads results.json from the response, and removes function and role,
// journaled first. Ctrl-C tags the function coldbench-stop: it restores its targets and answers
// with what it measured (partial).
import { CreateFunctionCommand, GetFunctionCommand, InvokeCommand, LambdaClient, TagResourceCommand } from '@aws-sdk/client-lambda';
import { createLambdaClient, describeSdkError } from '../adapters/lambda-client.js';
import { API_CALL_TIMEOUT_MS, LAMBDA_POLL_MS } from '../control/defaults.js';
import { JournaledChange } from '../control/journaled-change.js';
import { callWithRetry, pollUntil } from '../control/poll.js';
import { Interrupted, messageOf, TargetFailure } from '../errors.js';
import { checkResults } from '../results/read.js';
import { originResponseSchema, STOP_TAG, type OriginEvent } from './lambda-event.js';
import { createIamClient, createOriginRole } from './lambda-iam.js';
import { deleteLambdaOrigin, type LambdaOriginLocation, type LambdaOriginUndo } from './lambda-origin-journal.js';
import { lambdaOriginPackage } from './lambda-package.js';
import { LAMBDA_HANDLER, LAMBDA_RUNTIME, lambdaOriginNames, lambdaOriginPolicy, lambdaTimeoutS } from './lambda-plan.js';
import { decodeResults } from './results-block.js';
import type { OriginEngineModule, OriginOutcome, OriginRun } from './types.js';

/** IAM propagation: deployment tools retry CreateFunction on this answer for up to a minute or two. */
const ROLE_PROPAGATION_MS = 120_000;
const ROLE_NOT_YET = /cannot be assumed by Lambda/;
const ACTIVE_TIMEOUT_MS = 5 * 60_000;
const STOP_POLL_MS = 1_000;

export const lambdaOriginEngine: OriginEngineModule<'lambda'> = {
  start(origin, ctx): OriginRun {
    const spec = origin.lambda;
    const names = lambdaOriginNames(origin.name, spec, ctx.runId);
    const timeoutS = lambdaTimeoutS(ctx.targets);
    const change = new JournaledChange<LambdaOriginUndo, LambdaOriginLocation>(ctx.journal);
    const location: LambdaOriginLocation = { region: spec.region, endpoint: spec.endpoint ?? null, iamEndpoint: spec.iamEndpoint ?? null };
    const control = createLambdaClient({ region: spec.region, endpoint: spec.endpoint, maxAttempts: 1, timeoutMs: API_CALL_TIMEOUT_MS });
    const wait = (what: string, timeoutMs: number) => ({ what, timeoutMs, intervalMs: LAMBDA_POLL_MS, backoff: 1.5, signal: ctx.signal, log: ctx.log });

    async function roleArn(): Promise<string> {
      if (spec.roleArn) return spec.roleArn;
      if (!names.roleName) throw new Error('no role ARN and no role to create');
      const iam = createIamClient(spec.iamEndpoint);
      try {
        const arn = await createOriginRole(iam, names.roleName, origin.name, (account) => lambdaOriginPolicy(spec.region, account, names.functionName, ctx.targets));
        ctx.log(`role ${arn} created`);
        return arn;
      } finally {
        iam.destroy();
      }
    }

    async function createFunction(role: string): Promise<string> {
      const command = new CreateFunctionCommand({
        FunctionName: names.functionName,
        Runtime: LAMBDA_RUNTIME,
        Role: role,
        Handler: LAMBDA_HANDLER,
        Code: { ZipFile: lambdaOriginPackage() },
        Timeout: timeoutS,
        MemorySize: spec.memoryMb,
        Architectures: [spec.architecture],
        Description: `coldbench origin ${origin.name}: temporary, removed after the run`,
        Tags: { 'coldbench/origin': origin.name, 'coldbench/run': ctx.runId },
        // Nothing secret here: `${VAR}` values travel in the invocation payload only.
        Environment: { Variables: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } },
      });
      const { value } = await pollUntil(async () => {
        try {
          const created = await control.send(command);
          return { done: true, value: created.FunctionArn ?? '' };
        } catch (err) {
          const e = describeSdkError(err);
          if (e.name === 'InvalidParameterValueException' && ROLE_NOT_YET.test(e.message)) return { done: false, state: 'the role is not yet visible to Lambda' };
          throw err;
        }
      }, { ...wait(`lambda function ${names.functionName} to be created`, ROLE_PROPAGATION_MS), retry: 'throttled' });
      return value;
    }

    async function waitActive(): Promise<void> {
      await pollUntil(async () => {
        const fn = await control.send(new GetFunctionCommand({ FunctionName: names.functionName }));
        const state = fn.Configuration?.State;
        if (state === 'Active') return { done: true, value: undefined };
        if (state === 'Failed') throw new TargetFailure(`lambda function ${names.functionName} failed to become active: ${fn.Configuration?.StateReason ?? 'no reason given'}`);
        return { done: false, state: `State ${state ?? '?'}` };
      }, wait(`lambda function ${names.functionName} to be Active`, ACTIVE_TIMEOUT_MS));
    }

    async function invoke(functionArn: string): Promise<OriginOutcome> {
      const event: OriginEvent = {
        coldbenchOrigin: 1,
        origin: origin.name,
        targetFile: ctx.shipped.text,
        variables: ctx.shipped.variables,
        stopPollMs: STOP_POLL_MS,
        ...(spec.endpoint ? { lambdaEndpoint: spec.endpoint } : {}),
      };
      // One attempt, waiting as long as the function may run.
      const invoker: LambdaClient = createLambdaClient({ region: spec.region, endpoint: spec.endpoint, maxAttempts: 1, timeoutMs: (timeoutS + 60) * 1000 });
      const stopEarly = () => {
        ctx.log('stopping: asking the function to restore its targets and answer with what it measured');
        void callWithRetry(() => control.send(new TagResourceCommand({ Resource: functionArn, Tags: { [STOP_TAG]: 'requested' } })), { what: 'tag the function to stop', timeoutMs: API_CALL_TIMEOUT_MS, intervalMs: 200, retry: 'throttled' }).catch((err: unknown) =>
          ctx.log(`could not ask the function to stop (${messageOf(err)}); waiting for it to finish`),
        );
      };
      ctx.signal.addEventListener('abort', stopEarly, { once: true });
      ctx.log(`origin running: function ${names.functionName} invoked (timeout ${timeoutS} s)`);
      try {
        const answer = await invoker.send(new InvokeCommand({ FunctionName: names.functionName, Payload: Buffer.from(JSON.stringify(event)), LogType: 'Tail' }));
        const text = Buffer.from(answer.Payload ?? new Uint8Array()).toString('utf8');
        const tail = answer.LogResult ? Buffer.from(answer.LogResult, 'base64').toString('utf8').trim().split('\n').slice(-3).join(' | ') : '';
        if (answer.FunctionError) return { results: null, failure: `the function failed (${answer.FunctionError}): ${text.slice(0, 500)}${tail ? `; log: ${tail}` : ''}` };
        const response = originResponseSchema.safeParse(JSON.parse(text));
        if (!response.success) return { results: null, failure: `the function answered something else than results: ${text.slice(0, 200)}` };
        for (const line of response.data.log) ctx.log(`│ ${line}`);
        const results = checkResults(JSON.parse(decodeResults(response.data.results)), `results of origin ${origin.name}`);
        ctx.log(`results read from the response (${response.data.results.bytes} bytes, exit code ${response.data.exitCode})`);
        if (results.run.partial && !ctx.signal.aborted) return { results, failure: `the function stopped early, near its ${timeoutS} s timeout` };
        return { results };
      } finally {
        ctx.signal.removeEventListener('abort', stopEarly);
        invoker.destroy();
      }
    }

    return {
      async run() {
        try {
          change.begin({
            id: `origin-lambda:${origin.name}:${ctx.runId}`,
            kind: 'origin-lambda',
            target: `origin ${origin.name}`,
            undo: { function: names.functionName, role: names.roleName ?? null },
            location,
          });
          const role = await roleArn();
          if (ctx.signal.aborted) throw new Interrupted();
          const functionArn = await createFunction(role);
          ctx.log(`function ${functionArn} created; waiting for it to be Active`);
          await waitActive();
          if (ctx.signal.aborted) throw new Interrupted();
          return await invoke(functionArn);
        } catch (err) {
          if (err instanceof Interrupted || (ctx.signal.aborted && !(err instanceof TargetFailure))) return { results: null };
          if (err instanceof TargetFailure) return { results: null, failure: err.message };
          const e = describeSdkError(err);
          return { results: null, failure: `${e.name}${e.status ? ` (HTTP ${e.status})` : ''}: ${e.message}` };
        }
      },
      cleanUp() {
        return change.restore(async () => {
          ctx.log(`removing function ${names.functionName}${names.roleName ? ` and role ${names.roleName}` : ''}`);
          await deleteLambdaOrigin({ function: names.functionName, role: names.roleName ?? null }, location);
          control.destroy();
        });
      },
    };
  },
};
