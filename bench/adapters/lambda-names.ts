// Lambda function references as AWS accepts them: a name, `name:qualifier`, a partial ARN
// `123456789012:function:name[:qualifier]`, or a full ARN `arn:aws:lambda:region:account:function:name[:qualifier]`.
// Shared by the adapter (to split the qualifier and check the region) and the emulator (to route).

export interface FunctionRef {
  /** Bare function name. */
  name: string;
  qualifier?: string;
  region?: string;
  accountId?: string;
  /** Partition of a full ARN (aws, aws-cn, aws-us-gov). */
  partition?: string;
}

const NAME = /^[a-zA-Z0-9-_]{1,140}$/;
const QUALIFIER = /^(\$LATEST|[a-zA-Z0-9-_]{1,128})$/;
const ACCOUNT = /^\d{12}$/;

/** Parse a function reference; throws an Error naming the text when it is none of the accepted forms. */
export function parseFunctionRef(text: string): FunctionRef {
  const parts = text.split(':');
  let ref: FunctionRef | undefined;
  if (parts[0] === 'arn') {
    // arn:partition:lambda:region:account:function:name[:qualifier]
    const [, partition, service, region, accountId, resource, name, qualifier, ...rest] = parts;
    if (service === 'lambda' && resource === 'function' && name && region && accountId && rest.length === 0) {
      ref = { name, qualifier, region, accountId, partition };
    }
  } else if (parts.length >= 3 && ACCOUNT.test(parts[0] ?? '') && parts[1] === 'function') {
    const [accountId, , name, qualifier, ...rest] = parts;
    if (name && rest.length === 0) ref = { name, qualifier, accountId };
  } else if (parts.length <= 2) {
    const [name, qualifier] = parts;
    if (name) ref = { name, qualifier };
  }
  if (!ref || !NAME.test(ref.name) || (ref.qualifier !== undefined && !QUALIFIER.test(ref.qualifier))) {
    throw new Error(`${JSON.stringify(text)} is not a Lambda function name, name:qualifier, partial ARN or function ARN`);
  }
  if (ref.qualifier === undefined) delete ref.qualifier;
  return ref;
}

/** The function ARN for a name (and optional qualifier). */
export function functionArn(region: string, accountId: string, name: string, qualifier?: string, partition = 'aws'): string {
  return `arn:${partition}:lambda:${region}:${accountId}:function:${name}${qualifier ? `:${qualifier}` : ''}`;
}

/** The reference without its qualifier, in the form it was given (ARN stays ARN): what
 *  UpdateFunctionConfiguration and the unqualified reads take. */
export function unqualified(text: string, ref: FunctionRef): string {
  return ref.qualifier === undefined ? text : text.slice(0, text.length - ref.qualifier.length - 1);
}
