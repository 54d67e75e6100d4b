// The pods of one label selector, kept current by a watch: list once, then watch from the list's
// resourceVersion (client-node's Watch); a watch that ends is resumed from the last resourceVersion
// seen, and one that is too old (410 Expired, as an ERROR event or a status) starts over with a list.
// Where the API refuses the watch (RBAC without the watch verb: 403; 405), the pods are listed
// instead. Nothing reconnects in the background: a wait brings the cache up to date (sync) at each
// check, so the API sees requests only while something waits, and never more than one per
// KUBE_API_POLL_MS; a list or watch that fails transiently (429, 5xx, reset) is retried by the wait.
import { Watch, type V1Pod } from '@kubernetes/client-node';
import { API_CALL_TIMEOUT_MS, KUBE_API_POLL_MS, KUBE_APF_RETRY_AFTER_MS, KUBE_WATCH_IDLE_MS } from '../control/defaults.js';
import { pollUntil, progressInterval, type PollResult, type PollStep, type WaitOptions } from '../control/poll.js';
import { fieldOf } from '../fields.js';
import { apiErrorReason, withTimeout, type KubeClients } from './kube-client.js';

/** A watch request the API server refused (client-node's Watch gives only the status code). */
class WatchRefused extends Error {
  readonly status: number;
  /** Read by the transient-error classifier: APF's constant Retry-After, for a 429. */
  readonly retryAfterSeconds?: number;
  constructor(status: number, message: string) {
    super(`watch refused: HTTP ${status} ${message}`);
    this.status = status;
    if (status === 429) this.retryAfterSeconds = KUBE_APF_RETRY_AFTER_MS / 1000;
  }
}

/** A pod as a watch event carries it: plain JSON (client-node deserialises lists, not watch
 *  events), so its times are strings; they become Dates, as in a listed pod. */
function isPodShaped(object: unknown): object is V1Pod {
  return typeof fieldOf(fieldOf(object, 'metadata'), 'name') === 'string';
}

function withDates(pod: V1Pod): V1Pod {
  const date = (value: unknown) => (typeof value === 'string' ? new Date(value) : value instanceof Date ? value : undefined);
  for (const condition of pod.status?.conditions ?? []) condition.lastTransitionTime = date(condition.lastTransitionTime);
  if (pod.metadata) {
    pod.metadata.creationTimestamp = date(pod.metadata.creationTimestamp);
    pod.metadata.deletionTimestamp = date(pod.metadata.deletionTimestamp);
  }
  return pod;
}

const statusOf = (err: unknown): number | undefined => {
  const code = fieldOf(err, 'statusCode') ?? fieldOf(err, 'status');
  return typeof code === 'number' ? code : undefined;
};

export class PodWatch {
  private readonly pods = new Map<string, V1Pod>();
  private resourceVersion: string | undefined;
  private needsList = true;
  private watching: AbortController | null = null;
  private polling = false;
  private stopped = false;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly clients: KubeClients,
    readonly labelSelector: string,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  /** The pods as last seen. */
  list(): V1Pod[] {
    return [...this.pods.values()];
  }

  /** A watch is open (it may end at any time: the server decides). */
  get open(): boolean {
    return this.watching !== null;
  }

  /** 'poll' once the API refused to watch. */
  get mode(): 'watch' | 'poll' {
    return this.polling ? 'poll' : 'watch';
  }

  /** Bring the cache up to date: list when needed (always, when polling), (re)start the watch.
   *  Throws what the API answered (the caller's wait decides whether to retry). */
  async sync(): Promise<void> {
    if (this.stopped) throw new Error('the pod watch was stopped');
    if (this.polling || this.needsList) await this.relist();
    if (this.polling || this.watching) return;
    try {
      await this.startWatch();
    } catch (err) {
      const status = statusOf(err);
      if (status === 410) {
        // Too old: start over from a fresh list (the next check watches from its version).
        this.needsList = true;
        return;
      }
      if (status === 403 || status === 405) {
        this.polling = true;
        this.log(`cannot watch pods (${err instanceof Error ? err.message : String(err)}): listing them instead, at most every ${KUBE_API_POLL_MS} ms; allow the watch verb on pods`);
        return;
      }
      throw err;
    }
  }

  /** Resolves at the next change of the cache (or the end of the watch), after `maxWaitMs`, or on abort.
   *  While polling there are no changes to wait for: it resolves at once. */
  nextChange(maxWaitMs: number, signal?: AbortSignal): Promise<void> {
    if (this.polling || this.stopped || !this.watching || maxWaitMs <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.push(done);
    });
  }

  /** Close the watch; the cache stays as it was. */
  stop(): void {
    this.stopped = true;
    this.watching?.abort();
    this.watching = null;
    this.notify();
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private async relist(): Promise<void> {
    const list = await withTimeout(
      this.clients.core.listNamespacedPod({ namespace: this.clients.location.namespace, labelSelector: this.labelSelector }),
      API_CALL_TIMEOUT_MS,
      `list pods ${this.labelSelector}`,
    );
    this.pods.clear();
    for (const pod of list.items) if (pod.metadata?.name) this.pods.set(pod.metadata.name, pod);
    this.resourceVersion = list.metadata?.resourceVersion;
    this.needsList = false;
    this.notify();
  }

  private async startWatch(): Promise<void> {
    const path = `/api/v1/namespaces/${encodeURIComponent(this.clients.location.namespace)}/pods`;
    const query = { labelSelector: this.labelSelector, resourceVersion: this.resourceVersion, allowWatchBookmarks: true };
    let live = false;
    let abandoned = false;
    let early: { err: unknown } | undefined;
    let controller: AbortController | undefined;
    const abandon = () => {
      abandoned = true;
      controller?.abort();
      if (this.watching === controller) this.watching = null;
      this.notify();
    };
    const ended = (err: unknown) => {
      if (!live) {
        early = { err };
        return;
      }
      if (this.watching === controller) this.watching = null;
      if (err && !abandoned && !this.stopped) this.log(`pod watch ended (${apiErrorReason(err)}); resuming from resourceVersion ${this.resourceVersion ?? '?'}`);
      this.notify();
    };
    const onEvent = (type: string, object: unknown) => {
      if (type === 'ERROR') {
        // A Status: 410 Expired (too old resourceVersion) means list again; anything else ends this
        // watch, which the next check starts again.
        if (fieldOf(object, 'code') === 410) this.needsList = true;
        abandon();
        return;
      }
      if (!abandoned) this.apply(type, object);
    };
    const opening = new Watch(this.clients.config).watch(path, query, onEvent, ended);
    try {
      controller = await withTimeout(opening, API_CALL_TIMEOUT_MS, `watch pods ${this.labelSelector}`);
    } catch (err) {
      // No answer in time: if the watch opens later after all, close it rather than leak it.
      abandoned = true;
      void opening.then((late) => late.abort(), () => undefined);
      throw err;
    }
    live = true;
    if (early) {
      const { err } = early;
      if (err === null || err === undefined) return; // closed at once: the next check watches again
      const status = statusOf(err);
      throw status !== undefined ? new WatchRefused(status, err instanceof Error ? err.message : '') : err;
    }
    if (this.stopped) controller.abort();
    else this.watching = controller;
  }

  /** ADDED / MODIFIED / DELETED update the cache; a BOOKMARK only moves the resourceVersion on. */
  private apply(type: string, object: unknown): void {
    const metadata = fieldOf(object, 'metadata');
    const version = fieldOf(metadata, 'resourceVersion');
    const name = fieldOf(metadata, 'name');
    if (isPodShaped(object) && typeof name === 'string' && (type === 'ADDED' || type === 'MODIFIED')) this.pods.set(name, withDates(object));
    else if (typeof name === 'string' && type === 'DELETED') this.pods.delete(name);
    else if (type !== 'BOOKMARK') return;
    if (typeof version === 'string' && version) this.resourceVersion = version;
    this.notify();
  }
}

/** Wait until `judge` is done with the watched pods: each check brings the cache up to date (the
 *  wait retries what fails transiently), judges, and otherwise waits for the next change. */
export function waitForPods<T>(watch: PodWatch, judge: (pods: V1Pod[]) => PollStep<T>, options: WaitOptions): Promise<PollResult<T>> {
  const deadline = options.deadline ?? Date.now() + options.timeoutMs;
  const idleMs = Math.min(KUBE_WATCH_IDLE_MS, progressInterval(options));
  return pollUntil(
    async () => {
      await watch.sync();
      const now = judge(watch.list());
      if (now.done) return now;
      await watch.nextChange(Math.min(idleMs, deadline - Date.now()), options.signal);
      return judge(watch.list());
    },
    { ...options, deadline, intervalMs: Math.max(options.intervalMs, KUBE_API_POLL_MS) },
  );
}
