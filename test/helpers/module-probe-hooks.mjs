// Module resolve hook of module-probe.mjs (runs on the loader's hooks thread): logs every
// resolved URL.
import { appendFileSync } from 'node:fs';

let log = '';

export function initialize(data) {
  log = data.log;
}

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(log, `esm ${result.url}\n`);
  return result;
}
