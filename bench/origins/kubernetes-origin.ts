// A Kubernetes origin: with the context's credentials, create the ConfigMap (the target file), the
// Secret (`${VAR}` values), a ServiceAccount and Roles when the targets need the cluster's API,
// and the Job; follow its pod to the end, forwarding its progress; read the origin's results.json
// from the end of the pod's log (between markers, gzip + base64, no volume needed); remove
// everything, journaled first. Ctrl-C deletes the Job: its pod gets SIGTERM, restores its targets
// and prints what it measured (marked partial), which is still collected.
import { connectKube, apiErrorReason, apiStatusCode, kubeCall } from '../adapters/kube-client.js';
import { JournaledChange } from '../control/journaled-change.js';
import { Interrupted, TargetFailure } from '../errors.js';
import { checkResults } from '../results/read.js';
import { kubernetesResources, type KubeObjectRef } from './kubernetes-manifests.js';
import { createObject, deleteObject, deleteOriginObjects, withOriginApis, type OriginKubeClients } from './kubernetes-objects.js';
import type { KubernetesOriginLocation, KubernetesOriginUndo } from './kubernetes-origin-journal.js';
import { collectPodLog, readPodLog, waitForPodStarted } from './kubernetes-pod.js';
import { decodeResults, findResultsBlock, outsideBlocks } from './results-block.js';
import type { OriginEngineModule, OriginOutcome, OriginRun } from './types.js';

/** How long a pod may take to be scheduled and pull its image. */
const POD_START_TIMEOUT_MS = 10 * 60_000;

/** Forward a stream of text line by line (the results block left out). */
function lineForwarder(log: (line: string) => void): (chunk: string) => void {
  let pending = '';
  const keep = outsideBlocks();
  return (chunk) => {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline).replace(/\r$/, '');
      pending = pending.slice(newline + 1);
      if (line.trim() && keep(line)) log(line);
    }
  };
}

function lastLines(text: string, count: number): string {
  const keep = outsideBlocks();
  return text.split('\n').filter((l) => l.trim() && keep(l)).slice(-count).join(' | ');
}

export const kubernetesOriginEngine: OriginEngineModule<'kubernetes'> = {
  start(origin, ctx): OriginRun {
    const spec = origin.kubernetes;
    const resources = kubernetesResources(origin.name, spec, ctx);
    const refs: KubeObjectRef[] = resources.objects.map((o) => o.ref);
    const change = new JournaledChange<KubernetesOriginUndo, KubernetesOriginLocation>(ctx.journal);
    const graceMs = resources.terminationGraceS * 1000;
    let clients: OriginKubeClients | undefined;

    async function create(api: OriginKubeClients): Promise<void> {
      // The namespace must exist (creating one needs rights over the whole cluster). A 403 means the
      // account may not read namespaces: the first create will say what is wrong.
      try {
        await kubeCall(() => api.core.readNamespace({ name: spec.namespace }), `read namespace ${spec.namespace}`, { signal: ctx.signal });
      } catch (err) {
        if (apiStatusCode(err) === 404) throw new TargetFailure(`namespace ${spec.namespace} does not exist in context ${api.location.context} (create it: kubectl create namespace ${spec.namespace})`);
        if (apiStatusCode(err) !== 403) throw err;
      }
      change.begin({
        id: `origin-kubernetes:${origin.name}:${ctx.runId}`,
        kind: 'origin-kubernetes',
        target: `origin ${origin.name}`,
        undo: { objects: refs, graceMs },
        location: { context: api.location.context, server: api.location.server, namespace: spec.namespace },
      });
      for (const object of resources.objects) {
        if (ctx.signal.aborted) throw new Interrupted();
        await createObject(api, object, ctx.signal);
      }
    }

    async function collect(api: OriginKubeClients): Promise<OriginOutcome> {
      const job = resources.job;
      ctx.log(`job ${job.namespace}/${job.name} created (image ${spec.image}); waiting for its pod`);
      const pod = await waitForPodStarted(api, job, { timeoutMs: POD_START_TIMEOUT_MS, signal: ctx.signal, log: ctx.log });
      ctx.log(`origin running: pod ${job.namespace}/${pod}`);
      const { text, end } = await collectPodLog(api, job.namespace, pod, {
        timeoutMs: (resources.activeDeadlineS + resources.terminationGraceS + 60) * 1000,
        onText: lineForwarder((line) => ctx.log(`│ ${line}`)),
      });
      let log = text;
      if (!findResultsBlock(log) && !end.gone) log = await readPodLog(api, job.namespace, pod).catch(() => log);
      const block = findResultsBlock(log);
      const how = end.gone ? 'was deleted' : `exited with code ${end.exitCode}${end.reason ? ` (${end.reason})` : ''}`;
      if (!block) return { results: null, failure: `pod ${job.namespace}/${pod} ${how} without results; its last lines: ${lastLines(log, 3) || '(none)'}` };
      const results = checkResults(JSON.parse(decodeResults(block)), `results of origin ${origin.name}`);
      ctx.log(`pod ${pod} ${how}; results read from its log (${block.bytes} bytes)`);
      // Stopped though nobody asked: the Job's deadline (or the cluster evicted the pod).
      if (results.run.partial && !ctx.signal.aborted) return { results, failure: `pod ${job.namespace}/${pod} was stopped before its run finished (the Job's deadline is ${resources.activeDeadlineS} s)` };
      return { results };
    }

    return {
      async run() {
        // Ctrl-C: delete the Job; its pod gets SIGTERM, restores and prints what it measured.
        const stopEarly = () => {
          if (!clients || !change.pending) return;
          ctx.log('stopping: deleting the job; its pod restores its targets and hands back what it measured');
          void deleteObject(clients, resources.job).catch((err: unknown) => ctx.log(`could not delete the job yet: ${apiErrorReason(err)}`));
        };
        ctx.signal.addEventListener('abort', stopEarly, { once: true });
        try {
          clients = withOriginApis(connectKube({ context: spec.context, namespace: spec.namespace, what: `origin ${origin.name}` }));
          await create(clients);
          return await collect(clients);
        } catch (err) {
          if (err instanceof Interrupted || (ctx.signal.aborted && !(err instanceof TargetFailure))) return { results: null };
          return { results: null, failure: err instanceof TargetFailure ? err.message : apiErrorReason(err) };
        } finally {
          ctx.signal.removeEventListener('abort', stopEarly);
        }
      },
      cleanUp() {
        return change.restore(async () => {
          if (!clients) return;
          ctx.log(`removing job ${resources.job.namespace}/${resources.job.name} and what it used`);
          await deleteOriginObjects(clients, refs, graceMs);
        });
      },
    };
  },
};
