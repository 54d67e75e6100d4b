// What a lambda target names, resolved before any call: the function (name, name:qualifier,
// partial or full ARN) with its qualifier and region checked, and the Invoke payload.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LambdaTarget } from '../config/schema.js';
import { messageOf, TargetFailure } from '../errors.js';
import { parseFunctionRef, unqualified, type FunctionRef } from './lambda-names.js';

export interface ResolvedFunction {
  /** FunctionName for the API: the name or ARN as given, without its qualifier. */
  functionName: string;
  qualifier?: string;
  ref: FunctionRef;
}

/** Split `function` (name, name:qualifier, partial or full ARN) and `qualifier`; check the ARN's region. */
export function resolveFunction(target: Pick<LambdaTarget, 'name' | 'function' | 'qualifier' | 'region'>): ResolvedFunction {
  let ref: FunctionRef;
  try {
    ref = parseFunctionRef(target.function);
  } catch (err) {
    throw new TargetFailure(`target ${target.name}: function ${messageOf(err)}`);
  }
  if (ref.qualifier !== undefined && target.qualifier !== undefined && ref.qualifier !== target.qualifier) {
    throw new TargetFailure(`target ${target.name}: function ${JSON.stringify(target.function)} names qualifier ${ref.qualifier} but qualifier is ${target.qualifier}`);
  }
  if (ref.region !== undefined && ref.region !== target.region) {
    throw new TargetFailure(`target ${target.name}: function ARN is in region ${ref.region} but region is ${target.region}`);
  }
  const qualifier = target.qualifier ?? ref.qualifier;
  return { functionName: unqualified(target.function, ref), ...(qualifier !== undefined ? { qualifier } : {}), ref };
}

/** The Invoke payload: a JSON value, JSON text, or `@file.json` relative to the target file. */
export async function loadPayload(payload: unknown, baseDir: string, targetName: string): Promise<Uint8Array> {
  if (payload === undefined || payload === null) return Buffer.from('{}');
  if (typeof payload === 'string' && payload.startsWith('@')) {
    const file = path.resolve(baseDir, payload.slice(1));
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      const code = err instanceof Error && 'code' in err ? String(err.code) : 'error';
      throw new TargetFailure(`target ${targetName}: payload file ${file} cannot be read (${code})`);
    }
    try {
      JSON.parse(text);
    } catch (err) {
      throw new TargetFailure(`target ${targetName}: payload file ${file} is not valid JSON (${messageOf(err)})`);
    }
    return Buffer.from(text);
  }
  if (typeof payload === 'string') {
    try {
      JSON.parse(payload);
      return Buffer.from(payload); // already JSON text
    } catch {
      return Buffer.from(JSON.stringify(payload));
    }
  }
  return Buffer.from(JSON.stringify(payload));
}
