// Plain namespaced objects the emulated API server keeps as they were created (ConfigMaps, Secrets,
// ServiceAccounts, Roles, RoleBindings) and the namespaces that exist. Creation checks what the
// real API server checks first: the namespace exists, the name is a DNS subdomain, no object of the
// same kind and name exists yet, and a ConfigMap / Secret stays within 1 MiB.
import { randomUUID } from 'node:crypto';

type Json = Record<string, unknown>;

/** A failure the routes turn into a metav1.Status body. */
export class ApiFailure extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Json,
  ) {
    super(message);
  }
}

export interface Resource {
  /** Plural resource name as in the URL (configmaps). */
  plural: string;
  /** API group ('' for the core group). */
  group: string;
  apiVersion: string;
  kind: string;
}

export const CONFIGMAPS: Resource = { plural: 'configmaps', group: '', apiVersion: 'v1', kind: 'ConfigMap' };
export const SECRETS: Resource = { plural: 'secrets', group: '', apiVersion: 'v1', kind: 'Secret' };
export const SERVICE_ACCOUNTS: Resource = { plural: 'serviceaccounts', group: '', apiVersion: 'v1', kind: 'ServiceAccount' };
export const ROLES: Resource = { plural: 'roles', group: 'rbac.authorization.k8s.io', apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' };
export const ROLE_BINDINGS: Resource = { plural: 'rolebindings', group: 'rbac.authorization.k8s.io', apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' };

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** etcd's object size bound as the API server enforces it for ConfigMap and Secret data. */
const MAX_DATA_BYTES = 1 << 20;

export const qualified = (r: Resource) => (r.group ? `${r.plural}.${r.group}` : r.plural);

export function notFound(r: Resource, name: string): ApiFailure {
  return new ApiFailure(404, 'NotFound', `${qualified(r)} "${name}" not found`, { name, group: r.group, kind: r.plural });
}

export class ObjectStore {
  readonly namespaces = new Set<string>(['default', 'kube-system', 'kube-public']);
  /** Every object created, as stored, oldest first (bounded): tests read what was sent. */
  readonly created: Json[] = [];
  private readonly objects = new Map<string, Json>();
  private version = 1;

  private key(r: Resource, ns: string, name: string): string {
    return `${r.plural}/${ns}/${name}`;
  }

  nextVersion(): string {
    this.version += 1;
    return String(this.version);
  }

  requireNamespace(ns: string): void {
    if (!this.namespaces.has(ns)) throw new ApiFailure(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' });
  }

  /** Checks every create shares: namespace, name, metadata.namespace agreeing with the path. */
  static validMeta(r: Resource, ns: string, body: unknown): { name: string; meta: Json } {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ApiFailure(400, 'BadRequest', `the body of a ${r.kind} must be a JSON object`);
    const meta = ((body as Json).metadata ?? {}) as Json;
    const name = meta.name;
    if (typeof name !== 'string' || !DNS_SUBDOMAIN.test(name) || name.length > 253) {
      throw new ApiFailure(422, 'Invalid', `${r.kind} "${String(name ?? '')}" is invalid: metadata.name: Invalid value: ${JSON.stringify(name ?? '')}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`);
    }
    if (meta.namespace !== undefined && meta.namespace !== ns) {
      throw new ApiFailure(400, 'BadRequest', `the namespace of the provided object does not match the namespace sent on the request`);
    }
    return { name, meta };
  }

  create(r: Resource, ns: string, body: unknown): Json {
    this.requireNamespace(ns);
    const { name, meta } = ObjectStore.validMeta(r, ns, body);
    const key = this.key(r, ns, name);
    if (this.objects.has(key)) throw new ApiFailure(409, 'AlreadyExists', `${qualified(r)} "${name}" already exists`, { name, group: r.group, kind: r.plural });
    const data = (body as Json).data ?? (body as Json).stringData;
    if (data !== undefined && Buffer.byteLength(JSON.stringify(data)) > MAX_DATA_BYTES) {
      throw new ApiFailure(422, 'Invalid', `${r.kind} "${name}" is invalid: data: Too long: must have at most ${MAX_DATA_BYTES} bytes`);
    }
    const stored: Json = {
      ...(body as Json),
      apiVersion: r.apiVersion,
      kind: r.kind,
      metadata: { ...meta, name, namespace: ns, uid: randomUUID(), resourceVersion: this.nextVersion(), creationTimestamp: new Date().toISOString() },
    };
    // A Secret's stringData is write-only: the API stores it base64-encoded in data.
    if (r === SECRETS && stored.stringData !== undefined) {
      const plain = stored.stringData as Record<string, string>;
      stored.data = { ...((stored.data as Record<string, string>) ?? {}), ...Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, Buffer.from(String(v)).toString('base64')])) };
      delete stored.stringData;
    }
    this.objects.set(key, stored);
    this.created.push(stored);
    if (this.created.length > 200) this.created.shift();
    return stored;
  }

  get(r: Resource, ns: string, name: string): Json | undefined {
    return this.objects.get(this.key(r, ns, name));
  }

  getOrThrow(r: Resource, ns: string, name: string): Json {
    const found = this.get(r, ns, name);
    if (!found) throw notFound(r, name);
    return found;
  }

  delete(r: Resource, ns: string, name: string): Json {
    const found = this.getOrThrow(r, ns, name);
    this.objects.delete(this.key(r, ns, name));
    return found;
  }

  list(r: Resource, ns: string): Json[] {
    const prefix = `${r.plural}/${ns}/`;
    return [...this.objects.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v);
  }

  /** Every object of every kind (tests: "nothing left behind"). */
  all(): Array<{ kind: string; namespace: string; name: string }> {
    return [...this.objects.values()].map((o) => {
      const meta = o.metadata as Json;
      return { kind: String(o.kind), namespace: String(meta.namespace), name: String(meta.name) };
    });
  }

  /** A ServiceAccount exists: `default` in every namespace, or one created. */
  hasServiceAccount(ns: string, name: string): boolean {
    return this.namespaces.has(ns) && (name === 'default' || this.get(SERVICE_ACCOUNTS, ns, name) !== undefined);
  }
}
