// Rewrite test/golden/ from the current reporters (see test/helpers/report-golden.ts). Run it
// only after a deliberate change of an output, and review the diff it leaves.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GOLDEN_DIR, goldenOutputs } from '../test/helpers/report-golden.js';

for (const [file, content] of goldenOutputs()) {
  const target = path.join(GOLDEN_DIR, file);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, content);
}
console.log(`wrote ${path.relative(process.cwd(), GOLDEN_DIR)}`);
