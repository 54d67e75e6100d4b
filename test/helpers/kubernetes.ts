// Test helpers for the kubernetes emulator and the knative / kubernetes adapters: start the
// emulator on random ports with KUBECONFIG pointing at its kubeconfig, an in-memory journal, and
// an AdapterContext that records its log lines.
import type { AdapterContext } from '../../bench/adapters/types.js';
import type { KnativeTarget, KubernetesTarget } from '../../bench/config/schema.js';
import { startKubeEmulator, type KubeEmulator, type KubeEmulatorInput } from '../../platforms/kubernetes/index.js';
import type { Journal, JournalEntry } from '../../bench/journal.js';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { writeKubeconfig, type WrittenKubeconfig } from '../../platforms/kubernetes/kubeconfig.js';

export interface TestKube extends KubeEmulator {
  /** Stop the emulator and put KUBECONFIG back as it was. */
  close(): Promise<void>;
}

/** Start the emulator (every port random) and point KUBECONFIG at it until close(). */
export async function startTestKube(input: KubeEmulatorInput): Promise<TestKube> {
  const emulator = await startKubeEmulator(input);
  const previous = process.env.KUBECONFIG;
  process.env.KUBECONFIG = emulator.kubeconfigPath;
  return {
    ...emulator,
    close: async () => {
      await emulator.stop();
      if (previous === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = previous;
    },
  };
}

export interface KubeMemoryJournal extends Journal {
  changes: JournalEntry[];
  restored: string[];
  /** Changes never marked restored (what `coldbench restore` would replay). */
  pending(): JournalEntry[];
}

export function kubeMemoryJournal(): KubeMemoryJournal {
  const changes: JournalEntry[] = [];
  const restored: string[] = [];
  return {
    changes,
    restored,
    begin: (entry) => void changes.push(structuredClone(entry)),
    done: (id) => void restored.push(id),
    pending: () => changes.filter((c) => !restored.includes(c.id)),
  };
}

export interface KubeTestContext extends AdapterContext {
  lines: string[];
  journal: KubeMemoryJournal;
  abort(): void;
}

export function kubeAdapterContext(timeoutMs = 10_000): KubeTestContext {
  const controller = new AbortController();
  const lines: string[] = [];
  return {
    baseDir: process.cwd(),
    signal: controller.signal,
    log: (line) => void lines.push(line),
    journal: kubeMemoryJournal(),
    timeoutMs,
    lines,
    abort: () => controller.abort(),
  };
}

const common = {
  region: 'local',
  method: 'GET',
  headers: {},
  timeoutMs: 10_000,
  warm: null,
  thresholds: [],
  pricing: {},
};

/** A kubernetes target: give `url`, or `service` (through the API server's proxy). */
export function kubernetesTarget(overrides: Partial<KubernetesTarget> & { deployment: string }): KubernetesTarget {
  return {
    ...common,
    name: 'k8s-test',
    kind: 'kubernetes',
    namespace: 'default',
    cold: { samples: 3, strategy: 'scale-from-zero', idleMs: 0, instanceHeader: 'x-instance-id', waitTimeoutMs: 20_000, pollIntervalMs: 0 },
    ...overrides,
  };
}

export function knativeTarget(overrides: Partial<KnativeTarget> & { service: string }): KnativeTarget {
  return {
    ...common,
    name: 'knative-test',
    kind: 'knative',
    namespace: 'default',
    cold: { samples: 3, strategy: 'scale-to-zero', idleMs: 0, instanceHeader: 'x-instance-id', waitTimeoutMs: 20_000, pollIntervalMs: 100 },
    ...overrides,
  };
}

export interface RoleRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** The admin token of the emulator's kubeconfig. */
export function adminToken(kube: Pick<KubeEmulator, 'kubeconfigPath'>): string {
  const config = parse(readFileSync(kube.kubeconfigPath, 'utf8')) as { users: Array<{ user: { token: string } }> };
  const token = config.users[0]?.user.token;
  if (!token) throw new Error('the emulator kubeconfig has no token');
  return token;
}

/** A restricted identity as on a real cluster, made through the API as an admin would (`kubectl
 *  create serviceaccount / role / rolebinding`, then `kubectl create token`): ServiceAccount
 *  `serviceAccount` in `namespace`, bound to a Role with only `rules`; a kubeconfig with its token. */
export async function restrictedKubeconfig(kube: Pick<KubeEmulator, 'apiUrl' | 'kubeconfigPath'>, options: { namespace: string; serviceAccount: string; rules: RoleRule[] }): Promise<WrittenKubeconfig & { token: string }> {
  const { namespace, serviceAccount } = options;
  const admin = { authorization: `Bearer ${adminToken(kube)}`, 'content-type': 'application/json' };
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${kube.apiUrl}${path}`, { method: 'POST', headers: admin, body: JSON.stringify(body) });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status !== 201) throw new Error(`POST ${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  await post(`/api/v1/namespaces/${namespace}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: serviceAccount } });
  const rbac = `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}`;
  await post(`${rbac}/roles`, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: serviceAccount }, rules: options.rules });
  await post(`${rbac}/rolebindings`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: serviceAccount },
    subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace }],
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: serviceAccount },
  });
  const request = await post(`/api/v1/namespaces/${namespace}/serviceaccounts/${serviceAccount}/token`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: [] } });
  const token = (request.status as { token?: unknown } | undefined)?.token;
  if (typeof token !== 'string') throw new Error(`no token in ${JSON.stringify(request)}`);
  return { ...writeKubeconfig(kube.apiUrl, token, namespace), token };
}
