// Watches of pods (GET .../pods?watch=1): every pod change after `resourceVersion`, one JSON line
// per event on a 200 response that stays open (until `timeoutSeconds`, or the server closes it).
// Without a resourceVersion (or with "0") the current pods come first as ADDED events. A
// resourceVersion older than the history kept is answered as the real API server does: 200, one
// ERROR event whose object is a 410 Expired Status ("too old resource version"), end of stream
// (staging/src/k8s.io/apiserver/pkg/storage/cacher/cacher.go: errors after the watch is accepted
// "must fail with a watch event of type ERROR, rather than a directly returned error").
import type http from 'node:http';
import type { Cluster, PodEvent, PodState } from './cluster.js';
import { HttpProblem, matchesSelector } from './api-problem.js';
import { podJson, statusJson } from './objects.js';

export interface WatchRequest {
  namespace: string;
  labelSelector: string | null;
  resourceVersion: string | null;
  timeoutSeconds: number | null;
}

/** Parse the query of a watch; a bad value is a 400 before anything is streamed. */
export function watchRequest(namespace: string, query: URLSearchParams): WatchRequest {
  const rv = query.get('resourceVersion');
  if (rv !== null && rv !== '' && !/^\d+$/.test(rv)) throw new HttpProblem(400, 'BadRequest', `invalid resource version: ${JSON.stringify(rv)}`);
  const timeout = query.get('timeoutSeconds');
  const labelSelector = query.get('labelSelector');
  matchesSelector({}, labelSelector); // throws 400 on a selector it cannot parse
  return { namespace, labelSelector, resourceVersion: rv || null, timeoutSeconds: timeout && /^\d+$/.test(timeout) ? Number(timeout) : null };
}

export function isWatch(query: URLSearchParams): boolean {
  const value = query.get('watch');
  return value === '1' || value === 'true';
}

/** Stream pod events to `res` until the client goes, the timeout passes or the server closes. */
export function servePodWatch(cluster: Cluster, res: http.ServerResponse, watch: WatchRequest, serverTimeoutMs?: number): void {
  const wanted = (pod: PodState) => pod.namespace === watch.namespace && matchesSelector(pod.labels, watch.labelSelector);
  const write = (type: string, object: unknown) => res.write(`${JSON.stringify({ type, object })}\n`);
  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'cache-control': 'no-cache, private' });
  res.flushHeaders(); // the API server answers at once, events or not

  const from = watch.resourceVersion === null || watch.resourceVersion === '0' ? null : Number(watch.resourceVersion);
  if (from !== null && from < cluster.droppedThrough) {
    write('ERROR', statusJson(410, 'Expired', `too old resource version: ${from} (${cluster.droppedThrough + 1})`));
    res.end();
    return;
  }
  if (from === null) {
    for (const pod of cluster.pods.values()) if (wanted(pod)) write('ADDED', podJson(pod));
  } else {
    for (const event of cluster.podEvents) if (event.resourceVersion > from && wanted(event.pod)) write(event.type, podJson(event.pod));
  }

  const onEvent = (event: PodEvent) => {
    if (wanted(event.pod)) write(event.type, podJson(event.pod));
  };
  const limits = [watch.timeoutSeconds !== null ? watch.timeoutSeconds * 1000 : null, serverTimeoutMs ?? null].filter((t): t is number => t !== null);
  const timer = limits.length > 0 ? setTimeout(() => res.end(), Math.min(...limits)) : undefined;
  const stop = () => {
    cluster.off('pod', onEvent);
    clearTimeout(timer);
  };
  cluster.on('pod', onEvent);
  res.on('close', stop);
  res.on('finish', stop);
}
