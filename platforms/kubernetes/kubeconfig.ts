// A standard kubeconfig for the emulator's API server, with a bearer token, written to a private
// temp dir. The server is plain http:// (no insecure-skip-tls-verify entry, as `kubectl proxy`
// users have it): the adapters must cope with that themselves; or https, with the cluster's
// certificate as certificate-authority-data, as a real cluster's kubeconfig has it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';

export const EMULATOR_CONTEXT = 'coldbench-emulator';

export interface WrittenKubeconfig {
  path: string;
  remove(): void;
}

export function writeKubeconfig(server: string, token: string, namespace = 'default', caCert?: Buffer): WrittenKubeconfig {
  const dir = mkdtempSync(path.join(tmpdir(), 'coldbench-kube-'));
  const file = path.join(dir, 'kubeconfig');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: EMULATOR_CONTEXT, cluster: { server, ...(caCert ? { 'certificate-authority-data': caCert.toString('base64') } : {}) } }],
    users: [{ name: 'coldbench', user: { token } }],
    contexts: [{ name: EMULATOR_CONTEXT, context: { cluster: EMULATOR_CONTEXT, user: 'coldbench', namespace } }],
    'current-context': EMULATOR_CONTEXT,
    preferences: {},
  };
  writeFileSync(file, stringify(config), { mode: 0o600 });
  return { path: file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
