#!/usr/bin/env node
// The CLI, compiled from bench/ to dist/ and bundled into dist/cli/ by `npm ci` (the `prepare`
// script) or `npm run build`.
import { existsSync } from 'node:fs';
import module from 'node:module';

// Node 22.1+ keeps compiled code between runs (a cache in the OS temp folder); Node 20 lacks it.
module.enableCompileCache?.();

const cli = new URL('../dist/cli/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('coldbench: not built yet (dist/cli/cli.js is missing): run `npm ci` or `npm run build` first\n');
  process.exit(2);
}
await import(cli.href);
