// The local Lambda platform's CreateFunction / DeleteFunction (a zip in the JSON body, unpacked, its
// handler run as a real process), function states (Pending, then Active), tags, the 6 MB response
// limit, and the IAM API beside it (roles, inline policies, DeleteConflict, eventual consistency),
// through the real SDKs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  InvokeCommand,
  LambdaClient,
  ListFunctionsCommand,
  ListTagsCommand,
  TagResourceCommand,
} from '@aws-sdk/client-lambda';
import { CreateRoleCommand, DeleteRoleCommand, DeleteRolePolicyCommand, GetRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { writeZip } from '../bench/origins/zip.js';
import { LAMBDA_TRUST_POLICY } from '../bench/origins/lambda-plan.js';
import { readZip } from '../platforms/lambda/zip.js';
import { processAlive, startLambdaForTest, waitFor, type LocalLambda } from './helpers/servers.js';

const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' };
let lambda: LocalLambda;
let client: LambdaClient;
let iam: IAMClient;

before(async () => {
  lambda = await startLambdaForTest({ createDelay: '300ms', roleVisibilityDelay: '2s' });
  client = new LambdaClient({ region: lambda.region, endpoint: lambda.endpoint, credentials, maxAttempts: 1 });
  iam = new IAMClient({ region: 'us-east-1', endpoint: lambda.endpoint, credentials, maxAttempts: 1 });
});
after(async () => {
  client?.destroy();
  iam?.destroy();
  await lambda?.stop();
});

const HANDLER = `export const handler = async (event) => ({ pid: process.pid, echo: event, big: event.size ? 'x'.repeat(event.size) : undefined });\n`;
const zipOf = (source: string) => writeZip([{ name: 'index.mjs', data: Buffer.from(source) }]);
const errorName = (name: string) => (err: unknown) => (err as { name?: string }).name === name;

async function roleFor(name: string): Promise<string> {
  const created = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY }));
  return created.Role!.Arn!;
}

test("the zip written for a Lambda origin reads back: names, contents, readable modes", () => {
  const entries = readZip(writeZip([{ name: 'index.mjs', data: Buffer.from('a'.repeat(10_000)) }, { name: 'package.json', data: Buffer.from('{}') }]));
  assert.deepEqual(entries.map((e) => [e.name, e.data.length, e.mode]), [['index.mjs', 10_000, 0o644], ['package.json', 2, 0o644]]);
});

test('IAM: roles with inline policies; DeleteConflict while a policy is attached; NoSuchEntity after', async () => {
  const arn = await roleFor('iam-roles');
  assert.match(arn, /^arn:aws:iam::123456789012:role\/iam-roles$/);
  await assert.rejects(iam.send(new CreateRoleCommand({ RoleName: 'iam-roles', AssumeRolePolicyDocument: LAMBDA_TRUST_POLICY })), errorName('EntityAlreadyExistsException'));
  await assert.rejects(iam.send(new PutRolePolicyCommand({ RoleName: 'iam-roles', PolicyName: 'p', PolicyDocument: 'not json' })), errorName('MalformedPolicyDocumentException'));
  await iam.send(new PutRolePolicyCommand({ RoleName: 'iam-roles', PolicyName: 'p', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }) }));
  assert.equal(decodeURIComponent((await iam.send(new GetRoleCommand({ RoleName: 'iam-roles' }))).Role?.AssumeRolePolicyDocument ?? ''), LAMBDA_TRUST_POLICY);
  await assert.rejects(iam.send(new DeleteRoleCommand({ RoleName: 'iam-roles' })), errorName('DeleteConflictException'));
  await iam.send(new DeleteRolePolicyCommand({ RoleName: 'iam-roles', PolicyName: 'p' }));
  await iam.send(new DeleteRoleCommand({ RoleName: 'iam-roles' }));
  await assert.rejects(iam.send(new GetRoleCommand({ RoleName: 'iam-roles' })), errorName('NoSuchEntityException'));
});

test('CreateFunction: refused until the new role is visible; Pending, then Active; the handler runs as a real process; DeleteFunction removes it', async () => {
  const role = await roleFor('fn-role');
  const create = () =>
    client.send(new CreateFunctionCommand({ FunctionName: 'made', Runtime: 'nodejs20.x', Role: role, Handler: 'index.handler', Code: { ZipFile: zipOf(HANDLER) }, Tags: { team: 'bench' } }));
  await assert.rejects(create(), (err: { name?: string; message?: string }) => err.name === 'InvalidParameterValueException' && err.message === 'The role defined for the function cannot be assumed by Lambda.');
  await waitFor(() => lambda.iam.assumableByLambda(role), 'the role to become visible', 10_000);
  const created = await create();
  assert.equal(created.State, 'Pending');
  await assert.rejects(client.send(new InvokeCommand({ FunctionName: 'made', Payload: Buffer.from('{}') })), (err: { name?: string; message?: string }) => err.name === 'ResourceConflictException' && /state: Pending/.test(err.message ?? ''));
  await waitFor(() => lambda.extension.created.get('made')?.state === 'Active', 'Active', 10_000);
  assert.equal((await client.send(new GetFunctionCommand({ FunctionName: 'made' }))).Configuration?.State, 'Active');

  const answer = await client.send(new InvokeCommand({ FunctionName: 'made', Payload: Buffer.from('{"n":1}') }));
  const body = JSON.parse(Buffer.from(answer.Payload!).toString()) as { pid: number; echo: unknown };
  assert.deepEqual(body.echo, { n: 1 });
  assert.notEqual(body.pid, process.pid);
  assert.ok(lambda.functions.get('made')!.pids.includes(body.pid), 'an execution environment of the function answered');
  assert.deepEqual((await client.send(new ListTagsCommand({ Resource: created.FunctionArn }))).Tags, { team: 'bench' });
  await client.send(new TagResourceCommand({ Resource: created.FunctionArn, Tags: { stop: 'yes' } }));
  assert.deepEqual((await client.send(new ListTagsCommand({ Resource: created.FunctionArn }))).Tags, { team: 'bench', stop: 'yes' });
  await assert.rejects(create(), errorName('ResourceConflictException'), 'a second function of the same name');

  await client.send(new DeleteFunctionCommand({ FunctionName: 'made' }));
  await assert.rejects(client.send(new GetFunctionCommand({ FunctionName: 'made' })), errorName('ResourceNotFoundException'));
  assert.ok(!(await client.send(new ListFunctionsCommand({}))).Functions?.some((f) => f.FunctionName === 'made'));
  await waitFor(() => !processAlive(body.pid), 'its execution environment to stop');
  await assert.rejects(client.send(new DeleteFunctionCommand({ FunctionName: 'made' })), errorName('ResourceNotFoundException'));
});

test("CreateFunction refuses what Lambda refuses: a role Lambda may not assume, a file that is not a zip, a runtime it does not run", async () => {
  const noTrust = (await iam.send(new CreateRoleCommand({ RoleName: 'no-trust', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) }))).Role!.Arn!;
  const good = await roleFor('good-role');
  await waitFor(() => lambda.iam.assumableByLambda(good), 'the role to become visible', 10_000);
  const base = { FunctionName: 'refused', Runtime: 'nodejs20.x' as const, Handler: 'index.handler', Code: { ZipFile: zipOf(HANDLER) } };
  await assert.rejects(client.send(new CreateFunctionCommand({ ...base, Role: noTrust })), /cannot be assumed by Lambda/);
  await assert.rejects(client.send(new CreateFunctionCommand({ ...base, Role: 'arn:aws:iam::123456789012:role/never-made' })), /cannot be assumed by Lambda/);
  await assert.rejects(client.send(new CreateFunctionCommand({ ...base, Role: good, Code: { ZipFile: Buffer.from('not a zip') } })), /Could not unzip uploaded file/);
  await assert.rejects(client.send(new CreateFunctionCommand({ ...base, Role: good, Runtime: 'python3.12' })), errorName('InvalidParameterValueException'));
  assert.equal(lambda.extension.created.size, 0);
});

test("a response over Lambda's 6 MB payload limit is a Function.ResponseSizeTooLarge error", async () => {
  const role = await roleFor('big-role');
  await waitFor(() => lambda.iam.assumableByLambda(role), 'the role to become visible', 10_000);
  await client.send(new CreateFunctionCommand({ FunctionName: 'big', Runtime: 'nodejs20.x', Role: role, Handler: 'index.handler', Code: { ZipFile: zipOf(HANDLER) }, Timeout: 30 }));
  await waitFor(() => lambda.extension.created.get('big')?.state === 'Active', 'Active', 10_000);
  const fits = await client.send(new InvokeCommand({ FunctionName: 'big', Payload: Buffer.from('{"size":6000000}') }));
  assert.equal(fits.FunctionError, undefined);
  const tooBig = await client.send(new InvokeCommand({ FunctionName: 'big', Payload: Buffer.from('{"size":6400000}') }));
  assert.equal(tooBig.FunctionError, 'Unhandled');
  assert.deepEqual(JSON.parse(Buffer.from(tooBig.Payload!).toString()), { errorType: 'Function.ResponseSizeTooLarge', errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).' });
  await client.send(new DeleteFunctionCommand({ FunctionName: 'big' }));
});
