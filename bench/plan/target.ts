// The plan of one target: its adapter's inspect() (read-only; the same checks `run` enforces), a
// connect-only probe of the data-plane host (DNS, TCP, TLS: no request, which would warm the
// target), the predicted wall time and the cost of the run itself. Nothing is changed: the adapter
// gets a journal that refuses any entry, and restore() is never called because nothing was begun.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { createAdapter } from '../adapters/registry.js';
import { problemWarning, type Problem } from '../adapters/problems.js';
import type { AdapterContext, Inspection } from '../adapters/types.js';
import type { TargetConfig } from '../config/schema.js';
import { messageOf, TargetFailure } from '../errors.js';
import { endpointOf, measureNetwork } from '../http/network-baseline.js';
import type { Journal } from '../journal.js';
import { predictTarget } from '../origins/predict.js';
import type { NetworkFacts } from '../results/types.js';
import { runCost } from './cost.js';
import { planExtraPhases } from './extra-phases.js';
import type { TargetPlan } from './types.js';

/** Connects of the probe: fewer than the run's baseline, plan is meant to be quick. */
const PROBE_ATTEMPTS = 3;
const PROBE_TIMEOUT_MS = 3_000;

/** An adapter context for read-only use: a journal that refuses (plan must change nothing). */
function readOnlyContext(target: TargetConfig, baseDir: string, signal: AbortSignal, log: (m: string) => void): AdapterContext {
  const journal: Journal = {
    begin: (entry) => {
      throw new Error(`plan changes nothing, but ${entry.kind} asked to journal a change of target ${target.name}`);
    },
    done: () => undefined,
  };
  return { baseDir, signal, log, journal, timeoutMs: target.timeoutMs };
}

async function inspectTarget(target: TargetConfig, ctx: AdapterContext): Promise<Inspection | { failure: string }> {
  const adapter = await createAdapter(target, ctx);
  try {
    return await adapter.inspect();
  } catch (err) {
    if (err instanceof TargetFailure) return { failure: err.message };
    throw err;
  } finally {
    await adapter.close?.().catch(() => undefined);
  }
}

/** The probe's findings: a host that does not resolve, or where nothing accepts a connection. */
async function probe(url: string, timeoutMs: number, signal: AbortSignal): Promise<{ network: NetworkFacts | null; problems: Problem[] }> {
  const { host, port } = endpointOf(url);
  if (!isIP(host)) {
    const resolved = await lookup(host).then(
      () => null,
      (err: unknown) => messageOf(err),
    );
    if (resolved !== null) {
      return { network: null, problems: [problemWarning(`the data-plane host ${host} (${url}) does not resolve from here (${resolved}): every request would fail; set url: to an address that resolves (for Knative, the ingress: coldbench sends Host from status.url)`)] };
    }
  }
  const network = await measureNetwork(url, { attempts: PROBE_ATTEMPTS, timeoutMs, signal });
  if (network.rttUs !== null) return { network, problems: [] };
  return { network, problems: [problemWarning(`nothing accepted a connection to ${host}:${port} (${network.errors} of ${network.samples} attempts failed): every request would fail; check the url and that the target is deployed`)] };
}

export async function planTarget(target: TargetConfig, options: { baseDir: string; signal: AbortSignal; log: (m: string) => void; pricing: Record<string, number | string> }): Promise<TargetPlan> {
  const started = performance.now();
  const ctx = readOnlyContext(target, options.baseDir, options.signal, (m) => options.log(`${target.name}: ${m}`));
  let inspected: Inspection | { failure: string };
  try {
    inspected = await inspectTarget(target, ctx);
  } catch (err) {
    inspected = { failure: `target ${target.name}: internal error while inspecting: ${messageOf(err)}` };
  }
  const inspection = 'failure' in inspected ? null : inspected;
  const problems: Problem[] = inspection ? [...inspection.problems] : [{ severity: 'error', message: 'failure' in inspected ? inspected.failure : '' }];
  let network: NetworkFacts | null = null;
  if (inspection?.dataPlane) {
    const probed = await probe(inspection.dataPlane, Math.min(PROBE_TIMEOUT_MS, target.timeoutMs), options.signal);
    network = probed.network;
    problems.push(...probed.problems);
  }
  const prediction = predictTarget(target, inspection?.coldWaitMs);
  const extras = planExtraPhases(target);
  const ms = prediction.ms + extras.reduce((sum, e) => sum + e.ms, 0);
  const facts = inspection?.facts ?? null;
  return {
    name: target.name,
    kind: target.kind,
    ready: !problems.some((p) => p.severity === 'error'),
    problems,
    changes: [...(inspection?.changes ?? []), ...extras.flatMap((e) => e.changes)],
    estimatedSeconds: Math.round(ms / 100) / 10,
    timeBasis: [...prediction.basis, ...extras.map((e) => e.basis)],
    where: { ...(target.region ? { region: target.region } : {}), ...inspection?.where },
    facts,
    details: inspection?.details ?? {},
    network,
    cost: runCost(target, facts ?? { kind: 'http' }, ms, options.pricing),
    elapsedMs: Math.round(performance.now() - started),
  };
}
