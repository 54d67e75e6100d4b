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

/** Kubernetes API polls (pods gone, ready replicas): gentle on a real API server. */
export const KUBE_API_POLL_MS = 50;

/** Knative pod-list poll while waiting for zero (Knative's own check uses 1 s). */
export const KNATIVE_ZERO_POLL_MS = 500;

/** Data-plane poll while the pods of a scaled-up Deployment start. */
export const KUBE_DATA_POLL_MS = 10;
