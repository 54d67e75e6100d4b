// The Lambda origin's handler ships bundled (dist/origin-lambda/index.mjs, made by the build): one
// file that loads with nothing installed beside it, as in a function's /var/task, and refuses an
// event that is not an origin's.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LAMBDA_ORIGIN_BUNDLE } from '../scripts/build.mjs';
import { lambdaOriginPackage } from '../bench/origins/lambda-package.js';
import { readZip } from '../platforms/lambda/zip.js';
import { ensureBuilt } from './helpers/cli.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'coldbench-bundle-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the build bundles the handler into one file, well within the 50 MB zip limit', () => {
  ensureBuilt();
  assert.ok(existsSync(LAMBDA_ORIGIN_BUNDLE));
  const zip = lambdaOriginPackage();
  assert.ok(zip.length < 50 * 1024 * 1024 && zip.length < statSync(LAMBDA_ORIGIN_BUNDLE).size, `${zip.length} bytes zipped`);
  assert.deepEqual(readZip(zip).map((e) => e.name), ['index.mjs', 'package.json']);
});

test('the bundle loads alone (no node_modules) and refuses an event that is not an origin event', () => {
  ensureBuilt();
  // What Lambda unpacks into /var/task: the zip's files and nothing else.
  const task = path.join(dir, 'task');
  mkdirSync(task);
  for (const e of readZip(lambdaOriginPackage())) writeFileSync(path.join(task, e.name), e.data);
  const script = `const { handler } = await import(${JSON.stringify(path.join(task, 'index.mjs'))});
try { await handler({ hello: 1 }, { invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:x', getRemainingTimeInMillis: () => 60000 }); console.log('accepted'); }
catch (err) { console.log(err.message); }`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: task, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^not a coldbench origin event: coldbenchOrigin: /);
});
