// Function references in every form AWS accepts (name, name:qualifier, partial ARN, full ARN, with
// and without a qualifier), parsed alike by the adapter and the emulator, and carried through the
// real SDK (percent-encoded path) to the right function.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFunctionRef } from '../bench/adapters/lambda-names.js';
import { LambdaAdapter, resolveFunction } from '../bench/adapters/lambda.js';
import { TargetFailure } from '../bench/errors.js';
import { adapterContext, lambdaTarget, memoryJournal, startLambdaForTest, type LocalLambda } from './helpers/servers.js';

test('parseFunctionRef accepts the five forms and splits off the qualifier', () => {
  assert.deepEqual(parseFunctionRef('hello'), { name: 'hello' });
  assert.deepEqual(parseFunctionRef('hello:live'), { name: 'hello', qualifier: 'live' });
  assert.deepEqual(parseFunctionRef('123456789012:function:hello'), { name: 'hello', accountId: '123456789012' });
  assert.deepEqual(parseFunctionRef('123456789012:function:hello:$LATEST'), { name: 'hello', accountId: '123456789012', qualifier: '$LATEST' });
  assert.deepEqual(parseFunctionRef('arn:aws:lambda:eu-west-1:123456789012:function:hello:7'), {
    name: 'hello',
    qualifier: '7',
    region: 'eu-west-1',
    accountId: '123456789012',
    partition: 'aws',
  });
});

test('parseFunctionRef refuses what is not a function reference, naming it', () => {
  for (const bad of ['', 'a:b:c', 'arn:aws:s3:::bucket', 'arn:aws:lambda:us-east-1:123456789012:layer:x:1', 'has space', 'hello:bad qualifier']) {
    assert.throws(() => parseFunctionRef(bad), (err: Error) => err.message.includes(JSON.stringify(bad)), bad);
  }
});

test('resolveFunction keeps the ARN form for the API and refuses conflicting qualifier or region', () => {
  const base = { name: 't', region: 'us-east-1', qualifier: undefined };
  const arn = 'arn:aws:lambda:us-east-1:123456789012:function:hello';
  assert.deepEqual(
    { ...resolveFunction({ ...base, function: `${arn}:live` }), ref: undefined },
    { functionName: arn, qualifier: 'live', ref: undefined },
  );
  assert.equal(resolveFunction({ ...base, function: 'hello', qualifier: 'live' }).qualifier, 'live');
  assert.throws(() => resolveFunction({ ...base, function: 'hello:a', qualifier: 'b' }), (err) => err instanceof TargetFailure && /qualifier a .* qualifier is b/.test(err.message));
  assert.throws(() => resolveFunction({ ...base, function: arn.replace('us-east-1', 'eu-west-1') }), (err) => err instanceof TargetFailure && err.message.includes('eu-west-1'));
});

let lambda: LocalLambda;
before(async () => {
  lambda = await startLambdaForTest({
    functions: [
      { name: 'hello', handler: 'hello.handler', aliases: ['live'] },
      { name: 'other', handler: 'hello.handler' },
    ],
  });
});
after(() => lambda?.stop());

test('every form reaches the named function through the real SDK, cold-verified with update-config', async () => {
  const arn = `arn:aws:lambda:${lambda.region}:${lambda.accountId}:function:hello`;
  const forms: Array<{ function: string; qualifier?: string }> = [
    { function: 'hello' },
    { function: 'hello:live' },
    { function: 'hello', qualifier: '$LATEST' },
    { function: `${lambda.accountId}:function:hello` },
    { function: arn },
    { function: `${arn}:$LATEST` },
  ];
  for (const form of forms) {
    const adapter = new LambdaAdapter(lambdaTarget(lambda, { ...form, name: `form ${form.function}` }), adapterContext(memoryJournal()));
    try {
      await adapter.prepare();
      assert.equal(adapter.describe().functionArn, arn, `${form.function} resolved elsewhere`);
      await adapter.forceCold(0);
      const sample = await adapter.sampleCold(0);
      assert.equal(sample.error, null, `${form.function}: ${sample.errorMessage}`);
      assert.equal(sample.platformCold, true, `${form.function} was not cold`);
      await adapter.restore();
    } finally {
      await adapter.close();
    }
  }
  assert.equal(lambda.functions.get('other')?.environmentCount, 0, 'a function the target does not name was touched');
});

test('an unknown qualifier or function fails prepare with one sentence naming it', async () => {
  for (const [fn, needle] of [['hello:nope', 'hello:nope'], ['missing', 'missing']] as const) {
    const adapter = new LambdaAdapter(lambdaTarget(lambda, { function: fn }), adapterContext(memoryJournal()));
    try {
      await assert.rejects(adapter.prepare(), (err: Error) => err instanceof TargetFailure && err.message.includes(needle) && err.message.includes('not found'));
    } finally {
      await adapter.close();
    }
  }
});
