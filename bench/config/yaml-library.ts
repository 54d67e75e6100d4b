// The `yaml` library (positions of every node), loaded on first use: loading it and warming it up
// is most of a `coldbench validate`, and most files never need it (see yaml-quick.ts).
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

const require = createRequire(import.meta.url);
let library: typeof Yaml | undefined;

/** The `yaml` module, loaded synchronously (target files are read synchronously). */
export function yamlLibrary(): typeof Yaml {
  const loaded: typeof Yaml = library ?? require('yaml');
  library = loaded;
  return loaded;
}
