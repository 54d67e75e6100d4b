// The Function URL front: the request as a payload-2.0 event, invoked on the URL's qualifier, the
// result mapped back ({statusCode, headers, body} or any JSON value as a 200 application/json body;
// a function error is a 502). Real URLs are host-based (https://<id>.lambda-url.<region>.on.aws/);
// the emulator's are path-based: <endpoint>/lambda-url/<name>/.
// AuthType AWS_IAM: every request must carry a valid SigV4 signature (service `lambda`, the
// function's region) from a known identity, or it is answered 403 with x-amzn-ErrorType and a JSON
// Message, as AWS does (Lambda docs, "Control access to Lambda function URLs"). Every verdict is counted.
import type http from 'node:http';
import { randomUUID } from 'node:crypto';
import { LambdaApiError } from './api-error.js';
import type { EmulatedFunction } from './function.js';
import type { EmulatorSettings } from './model.js';
import { verifySignature } from './sigv4.js';

export interface UrlReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface SignatureCounts {
  accepted: number;
  refused: number;
}

const json = (status: number, value: unknown, headers: Record<string, string> = {}): UrlReply => ({
  status,
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(value),
});

export async function serveFunctionUrl(
  req: http.IncomingMessage,
  url: URL,
  body: Buffer,
  fn: EmulatedFunction | undefined,
  settings: EmulatorSettings,
  signatures: SignatureCounts,
): Promise<UrlReply> {
  if (!fn) return json(404, { Message: null });
  let accessKey: string | null = null;
  if (fn.spec.url.authType === 'AWS_IAM') {
    const verdict = verifySignature(
      { method: req.method ?? 'GET', rawUrl: req.url ?? '/', rawHeaders: req.rawHeaders, body, region: settings.region, service: 'lambda', now: new Date(), windowMs: settings.signatureWindowMs },
      settings.credentials,
    );
    if (!verdict.ok) {
      signatures.refused += 1;
      return json(403, { Message: verdict.message }, { 'x-amzn-ErrorType': verdict.errorType });
    }
    signatures.accepted += 1;
    accessKey = verdict.accessKeyId;
  }
  const rawPath = '/' + url.pathname.split('/').filter(Boolean).slice(2).join('/');
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]));
  const now = new Date();
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: accessKey ? settings.accountId : 'anonymous',
      apiId: fn.spec.name,
      ...(accessKey ? { authorizer: { iam: { accessKey, accountId: settings.accountId, callerId: accessKey, userArn: `arn:aws:iam::${settings.accountId}:user/coldbench-local`, userId: accessKey } } } : {}),
      domainName: headers.host ?? '',
      http: { method: req.method ?? 'GET', path: rawPath, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    body: body.length ? body.toString('utf8') : undefined,
    isBase64Encoded: false,
  };
  let reply;
  try {
    reply = await fn.invoke({ qualifier: fn.spec.url.qualifier, invocationType: 'RequestResponse', logType: 'None', payload: Buffer.from(JSON.stringify(event)) });
  } catch (err) {
    if (err instanceof LambdaApiError && err.status === 429) return json(429, { Message: 'Rate Exceeded.' });
    throw err;
  }
  if (reply.headers['X-Amz-Function-Error']) return json(502, { Message: 'Internal Server Error' });
  let result: unknown;
  try {
    result = JSON.parse(reply.body);
  } catch {
    result = reply.body;
  }
  const shaped = result as { statusCode?: unknown; headers?: Record<string, string>; body?: unknown; isBase64Encoded?: boolean } | null;
  if (shaped && typeof shaped === 'object' && typeof shaped.statusCode === 'number') {
    const text = typeof shaped.body === 'string' ? (shaped.isBase64Encoded ? Buffer.from(shaped.body, 'base64').toString('utf8') : shaped.body) : '';
    return { status: shaped.statusCode, headers: { 'Content-Type': 'application/json', ...(shaped.headers ?? {}) }, body: text };
  }
  return { status: 200, headers: { 'Content-Type': 'application/json' }, body: typeof result === 'string' ? result : JSON.stringify(result) };
}
