// Control-plane defaults in one place. The target file overrides the wait bound and the poll
// interval (cold.waitTimeout, cold.pollInterval); the rest are the harness's own bounds.

/** Bound on one control-plane wait (an update, a scale-down) when the target sets no cold.waitTimeout. */
export const DEFAULT_WAIT_TIMEOUT_MS = 180_000;

/** Restoring must finish even when the run's own wait bound was short. */
export const MIN_RESTORE_WAIT_MS = 60_000;

/** Upper bound of one API call, so a hung API server cannot stall a bounded wait forever. */
export const API_CALL_TIMEOUT_MS = 30_000;

/** First pause before retrying a single API call that failed transiently (doubles each time). */
export const API_RETRY_MS = 200;

/** Longest pause between two polls when a wait backs off. */
export const MAX_POLL_INTERVAL_MS = 2_000;

/** Lambda: first pause between two reads of LastUpdateStatus (and before retrying a 409). */
export const LAMBDA_POLL_MS = 200;

/** `coldbench restore` of a Lambda change: one read of LastUpdateStatus every half second. */
export const LAMBDA_RESTORE_POLL_MS = 500;

/** Cloud Functions: first pause between two reads of a long-running operation (backs off 1.5x). */
export const GCF_POLL_MS = 200;

/** Cloud Run: first pause between two reads of an operation or the service (backs off 1.5x). */
export const CLOUD_RUN_POLL_MS = 200;

/** Shortest gap between two Kubernetes API requests of one wait: 5 per second, client-go's
 *  default QPS (k8s.io/client-go/rest: DefaultQPS 5, DefaultBurst 10). Waits watch the pods; this
 *  bounds re-listing, re-watching and, where the API allows no watch, polling. */
export const KUBE_API_POLL_MS = 200;

/** Longest a wait sits on an open watch without an event before looking again (progress lines). */
export const KUBE_WATCH_IDLE_MS = 5_000;

/** Retry-After of API Priority and Fairness (a constant 1 s): used for a throttled watch request,
 *  whose headers client-node's Watch does not pass on. */
export const KUBE_APF_RETRY_AFTER_MS = 1_000;

/** Knative pod-list poll while waiting for zero (Knative's own check uses 1 s). */
export const KNATIVE_ZERO_POLL_MS = 500;

/** Through the API server's service proxy every data-plane poll is an API request: one every
 *  250 ms while pods start, never two within KUBE_API_POLL_MS (a pod turning ready wakes it early). */
export const KUBE_PROXY_POLL_MS = 250;

/** Data-plane poll while the pods of a scaled-up Deployment start. */
export const KUBE_DATA_POLL_MS = 10;
