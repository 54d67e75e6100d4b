// How the Lambda API reads a FunctionName path parameter. The emulator's own reading, written from
// the API reference's pattern for FunctionName (not shared with the adapter, so a parsing bug in
// one cannot agree with itself in the other):
//   (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?
// A name without "function:" but with an account (123456789012:name) is accepted by that pattern too.

export interface FunctionName {
  name: string;
  qualifier?: string;
  region?: string;
  accountId?: string;
}

const FUNCTION_NAME =
  /^(?:arn:(aws[a-zA-Z-]*)?:lambda:)?(?:([a-z]{2}(?:-gov)?-[a-z]+-\d):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9_.-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;

/** Parse a FunctionName; null when it matches no accepted form (the API answers 400 then). */
export function readFunctionName(text: string): FunctionName | null {
  if (text.length === 0 || text.length > 170) return null;
  const match = FUNCTION_NAME.exec(text);
  if (!match) return null;
  const [, , region, accountId, name, qualifier] = match;
  // A bare name may hold up to 64 characters; the ARN forms carry the same limit on the name part.
  if (!name || name.length > 64) return null;
  // A full ARN must name its region and account; a region without "arn:" is not a form the API takes.
  if (text.startsWith('arn:') && (!region || !accountId)) return null;
  if (!text.startsWith('arn:') && region) return null;
  return {
    name,
    ...(qualifier !== undefined ? { qualifier } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(accountId !== undefined ? { accountId } : {}),
  };
}

/** The ARN the API reports for a function (and qualifier). */
export function arnOf(region: string, accountId: string, name: string, qualifier?: string): string {
  return `arn:aws:lambda:${region}:${accountId}:function:${name}${qualifier !== undefined ? `:${qualifier}` : ''}`;
}
