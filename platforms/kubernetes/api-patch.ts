// PATCH bodies as the API server applies them: JSON merge patch, strategic merge patch (as a merge
// patch: enough for the fields used here) and JSON patch, chosen by Content-Type; 415 for others.
import type http from 'node:http';
import { HttpProblem } from './api-problem.js';

const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'] as const;
const MAX_BODY = 1 << 20;

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target !== null && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

/** RFC 6902 JSON patch (add / replace / remove / test) on a JSON document. */
function jsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new HttpProblem(400, 'BadRequest', 'json patch body must be a JSON array of operations');
  const root = structuredClone(doc) as Record<string, unknown>;
  for (const op of ops as { op?: string; path?: string; value?: unknown }[]) {
    if (typeof op?.path !== 'string' || !op.path.startsWith('/')) throw new HttpProblem(400, 'BadRequest', `json patch operation has an invalid path: ${JSON.stringify(op?.path)}`);
    const parts = op.path.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = parts.pop()!;
    let parent: Record<string, unknown> = root;
    for (const part of parts) {
      const next = parent[part];
      if (next === null || typeof next !== 'object') throw new HttpProblem(422, 'Invalid', `json patch: path ${op.path} does not exist`);
      parent = next as Record<string, unknown>;
    }
    switch (op.op) {
      case 'add':
      case 'replace':
        if (op.op === 'replace' && !(last in parent)) throw new HttpProblem(422, 'Invalid', `json patch: replace operation does not apply: doc is missing key: ${op.path}`);
        parent[last] = op.value;
        break;
      case 'remove':
        delete parent[last];
        break;
      case 'test':
        if (JSON.stringify(parent[last]) !== JSON.stringify(op.value)) throw new HttpProblem(422, 'Invalid', `json patch: test operation failed at ${op.path}`);
        break;
      default:
        throw new HttpProblem(400, 'BadRequest', `json patch: unsupported operation ${JSON.stringify(op.op)}`);
    }
  }
  return root;
}

export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) reject(new HttpProblem(413, 'RequestEntityTooLarge', 'request entity too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpProblem(400, 'BadRequest', `the request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** Apply a PATCH body to `current` according to its Content-Type, as the API server does. */
export function applyPatch(current: unknown, contentType: string | null, text: string): unknown {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (!(PATCH_TYPES as readonly string[]).includes(type)) {
    throw new HttpProblem(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}, application/apply-patch+yaml`,
    );
  }
  const body = parseJson(text);
  return type === 'application/json-patch+json' ? jsonPatch(current, body) : mergePatch(current, body);
}

export function replicasOf(doc: unknown, what: string, name: string): number {
  const replicas = (doc as { spec?: { replicas?: unknown } } | null)?.spec?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw new HttpProblem(422, 'Invalid', `${what} "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, {
      name,
      group: what.includes('.') ? what.split('.').slice(1).join('.') : '',
      kind: what.split('.')[0],
    });
  }
  return replicas;
}

