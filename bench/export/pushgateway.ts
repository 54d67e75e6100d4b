// Push to a Prometheus Pushgateway: one group per origin (grouping key job + origin), replaced
// as a whole by each push (PUT), so a group always holds one run. Grouping label values travel
// base64url-encoded in the path (`origin@base64/...`): any text, slashes included, is safe there.
// Pushed samples carry no timestamp (the Pushgateway rejects them); the run's time is the
// coldbench_run_timestamp_seconds gauge.
import type { Endpoint } from './endpoint.js';
import type { MetricFamily } from './metrics.js';
import { renderPrometheusText } from './text-format.js';

const TIMEOUT_MS = 15_000;

function base64url(text: string): string {
  // An empty value must still be a path segment: the Pushgateway reads `=` as the empty string.
  return text === '' ? '=' : Buffer.from(text, 'utf8').toString('base64url');
}

export function groupUrl(endpoint: Endpoint, job: string, origin: string): URL {
  const url = new URL(endpoint.url.href);
  const base = url.pathname.replace(/\/+$/, '');
  url.pathname = `${base}/metrics/job@base64/${base64url(job)}/origin@base64/${base64url(origin)}`;
  url.search = '';
  url.hash = '';
  return url;
}

export class PushError extends Error {
  override readonly name = 'PushError';
}

/** PUT every origin's metrics into its group. Resolves to the origins pushed; throws a PushError
 *  naming the origin and the Pushgateway's answer on the first failure. */
export async function pushToPushgateway(families: MetricFamily[], origins: string[], endpoint: Endpoint, job: string): Promise<string[]> {
  const pushed: string[] = [];
  for (const origin of origins) {
    const body = renderPrometheusText(families, { origin, omitLabels: ['origin'] });
    const url = groupUrl(endpoint, job, origin);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'PUT',
        headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', ...endpoint.headers },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      const cause = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
      throw new PushError(`${endpoint.display}: cannot push origin ${JSON.stringify(origin)}: ${cause}`);
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) {
      throw new PushError(`${endpoint.display}: origin ${JSON.stringify(origin)} rejected with HTTP ${response.status}${text.trim() ? `: ${text.trim().slice(0, 300)}` : ''}`);
    }
    pushed.push(origin);
  }
  return pushed;
}
