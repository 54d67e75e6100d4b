// The dependency rules of .dependency-cruiser.cjs hold for bench/ and platforms/: no import cycle;
// reporters import no adapter or phase; adapters import no emulator or reporter; platforms/ imports
// nothing from bench/; bench/ reaches platforms/ only from the runner, through the platform
// registry, which loads each emulator lazily. Checked by dependency-cruiser (swc parses the
// TypeScript; type-only imports count). A fixture that breaks every rule shows that each can fail.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../scripts/build.mjs';

const DEPCRUISE = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs');

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
  cycle?: { name: string }[];
}

interface Cruise {
  modules: { source: string }[];
  summary: { violations: Violation[]; totalCruised: number };
}

/** Run dependency-cruiser in `cwd` over bench/ and platforms/ with the project's rules. */
function cruise(cwd: string): Promise<Cruise> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DEPCRUISE, '--config', CONFIG, '--output-type', 'json', 'bench', 'platforms'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      // Exit status = the number of errors found; the JSON report is printed either way.
      try {
        resolve(JSON.parse(stdout) as Cruise);
      } catch {
        reject(new Error(`dependency-cruiser exited ${code} without a report:\n${stderr}${stdout.slice(0, 2000)}`));
      }
    });
  });
}

/** One line per violation, naming the rule and the offending import (or the whole cycle). */
function describe(violations: Violation[]): string {
  return violations
    .map((v) => `  ${v.rule.name}: ${v.from} -> ${v.to}${v.cycle ? ` (cycle: ${[v.from, ...v.cycle.map((c) => c.name)].join(' -> ')})` : ''}`)
    .join('\n');
}

test('bench/ and platforms/ keep the dependency rules (every source file parsed)', async () => {
  const result = await cruise(ROOT);
  const onDisk = ['bench', 'platforms'].flatMap((top) =>
    readdirSync(path.join(ROOT, top), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.(ts|mjs|js)$/.test(e.name))
      .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name))),
  );
  const cruised = new Set(result.modules.map((m) => m.source));
  assert.deepEqual(onDisk.filter((file) => !cruised.has(file)), [], 'every source file is in the dependency graph');
  const { violations } = result.summary;
  assert.equal(violations.length, 0, `${violations.length} dependency rule violation(s) (.dependency-cruiser.cjs):\n${describe(violations)}`);
});

test('each rule fails on an import that breaks it, type-only imports included', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-deps-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const files: Record<string, string> = {
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }),
    // A cycle made of type-only imports, which also breaks the reporter and adapter rules.
    'bench/reporters/html.ts': "import type { Adapter } from '../adapters/lambda.js';\nexport type Row = Adapter;\n",
    'bench/adapters/lambda.ts': "import type { Row } from '../reporters/html.js';\nimport { start } from '../../platforms/lambda/index.js';\nexport type Adapter = { row?: Row; start: typeof start };\n",
    'bench/reporters/csv.ts': "import { phase } from '../phases/cold.js';\nexport const csv = phase;\n",
    'bench/phases/cold.ts': "import { missing } from './no-such-file.js';\nexport const phase = missing;\n",
    'bench/cost.ts': "import { start } from '../platforms/lambda/index.js';\nexport const cost = start;\n",
    'bench/runner.ts': "import { start } from '../platforms/lambda/index.js';\nexport const run = start;\n",
    'platforms/lambda/index.ts': "import { phase } from '../../bench/phases/cold.js';\nexport const start = phase;\n",
    'platforms/registry.ts': "import { start } from './lambda/index.js';\nexport const loaders = { lambda: async () => start };\n",
    'platforms/types.ts': 'export type Starter = () => void;\n',
  };
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  // A cycle is reported once, from whichever of its modules the cruise reached first.
  const key = (v: Violation) => (v.rule.name === 'no-cycle' ? `no-cycle: ${[v.from, v.to].sort().join(' <-> ')}` : `${v.rule.name}: ${v.from} -> ${v.to}`);
  const found = new Set((await cruise(dir)).summary.violations.map(key));
  const expected = [
    'no-cycle: bench/adapters/lambda.ts <-> bench/reporters/html.ts',
    'reporters-see-results-only: bench/reporters/html.ts -> bench/adapters/lambda.ts',
    'reporters-see-results-only: bench/reporters/csv.ts -> bench/phases/cold.ts',
    'adapters-no-emulator-or-reporter: bench/adapters/lambda.ts -> bench/reporters/html.ts',
    'adapters-no-emulator-or-reporter: bench/adapters/lambda.ts -> platforms/lambda/index.ts',
    'platforms-independent: platforms/lambda/index.ts -> bench/phases/cold.ts',
    'platforms-only-from-runner: bench/cost.ts -> platforms/lambda/index.ts',
    'platforms-only-from-runner: bench/adapters/lambda.ts -> platforms/lambda/index.ts',
    'runner-through-platform-registry: bench/runner.ts -> platforms/lambda/index.ts',
    'platform-registry-lazy: platforms/registry.ts -> platforms/lambda/index.ts',
    'resolvable: bench/phases/cold.ts -> ./no-such-file.js',
  ];
  assert.deepEqual(expected.filter((v) => !found.has(v)), [], `expected violations not reported; reported:\n${[...found].join('\n')}`);
});
