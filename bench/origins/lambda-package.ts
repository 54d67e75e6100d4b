// The deployment package of a Lambda origin's function: the bundled harness (built with the
// package, dist/origin-lambda/index.mjs) and a package.json that makes it an ES module and carries
// the version the results report.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TargetFailure } from '../errors.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { TOOL_VERSION } from '../version.js';
import { writeZip } from './zip.js';

export function lambdaOriginBundlePath(): string {
  return path.join(PACKAGE_ROOT, 'dist', 'origin-lambda', 'index.mjs');
}

export function lambdaOriginPackage(): Buffer {
  const bundle = lambdaOriginBundlePath();
  if (!existsSync(bundle)) throw new TargetFailure(`the Lambda origin's bundle is missing (${bundle}): run \`npm run build\``);
  const manifest = { name: 'coldbench-origin', version: TOOL_VERSION, private: true, type: 'module' };
  return writeZip([
    { name: 'index.mjs', data: readFileSync(bundle) },
    { name: 'package.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) },
  ]);
}
