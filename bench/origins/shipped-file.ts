// The target file as a remote origin gets it: the same text without `origins:` (the remote harness
// runs its targets locally), `emulators:` (they run here, beside the orchestrator) and `origin:`
// (the origin's name is given on the command line); for a Kubernetes origin, targets' `context`
// too. `${VAR}` references stay references: their values travel separately (a Secret, the
// invocation payload), never inside the file.
import { isMap, isSeq, parseDocument } from 'yaml';
import type { OriginEngine } from '../config/origin-types.js';
import type { RunConfig } from '../config/schema.js';

export interface ShippedFile {
  /** YAML text of the target file for the remote harness. */
  text: string;
  /** Values of the `${VAR}` references the text still holds, from this process's environment. */
  variables: Record<string, string>;
}

const VAR_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function shippedTargetFile(config: Pick<RunConfig, 'text'>, env: NodeJS.ProcessEnv = process.env, engine?: OriginEngine): ShippedFile {
  const doc = parseDocument(config.text);
  for (const key of ['origins', 'emulators', 'origin']) doc.delete(key);
  if (engine === 'kubernetes') {
    // A pod reaches its own cluster through its service account, not through a kubeconfig context
    // (validation made sure every target's context is the origin's own).
    const defaults = doc.get('defaults');
    if (isMap(defaults)) defaults.delete('context');
    const targets = doc.get('targets');
    if (isSeq(targets)) for (const target of targets.items) if (isMap(target)) target.delete('context');
  }
  const text = doc.toString({ lineWidth: 0 });
  const variables: Record<string, string> = {};
  for (const match of text.matchAll(VAR_REFERENCE)) {
    const name = match[1]!;
    const value = env[name];
    // The loader refused the file if a referenced variable was unset; a comment may still name one.
    if (value !== undefined) variables[name] = value;
  }
  return { text, variables };
}
