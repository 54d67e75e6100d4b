// The API server's errors (an HttpProblem becomes a metav1.Status body with its code and reason) and
// its equality-based label selectors.
export class HttpProblem extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const REASON_BY_CODE: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

/** Equality-based label selectors: `a=b`, `a==b`, `a!=b`, `a`, `!a`, comma-separated (AND). */
export function matchesSelector(labels: Record<string, string>, selector: string | null): boolean {
  if (!selector) return true;
  return selector.split(',').every((raw) => {
    const term = raw.trim();
    if (!term) return true;
    let m: RegExpExecArray | null;
    if ((m = /^([^!=\s]+)\s*!=\s*(.*)$/.exec(term))) return labels[m[1]!] !== m[2];
    if ((m = /^([^!=\s]+)\s*==?\s*(.*)$/.exec(term))) return labels[m[1]!] === m[2];
    if ((m = /^!\s*(\S+)$/.exec(term))) return !(m[1]! in labels);
    if (/^\S+$/.test(term)) return term in labels;
    throw new HttpProblem(400, 'BadRequest', `unable to parse requirement: ${JSON.stringify(term)}`);
  });
}

