// A pod template's resource requests ("250m", "1", "128Mi", "1G") as numbers for cost estimates.
import { bytesToMiB, parseQuantity } from '../quantity.js';

/** Sum of the containers' cpu (cores) and memory (MiB) requests, with the raw strings. */
export function podRequests(containers: { resources?: { requests?: Record<string, string | number> } }[] | undefined) {
  let cpu = 0;
  let memory = 0;
  let anyCpu = false;
  let anyMemory = false;
  const raw: string[] = [];
  for (const c of containers ?? []) {
    const requests = c.resources?.requests ?? {};
    const cpuValue = parseQuantity(requests.cpu);
    const memoryValue = parseQuantity(requests.memory);
    if (cpuValue !== null) {
      cpu += cpuValue;
      anyCpu = true;
    }
    if (memoryValue !== null) {
      memory += memoryValue;
      anyMemory = true;
    }
    if (requests.cpu !== undefined || requests.memory !== undefined) raw.push(`cpu=${requests.cpu ?? '-'} memory=${requests.memory ?? '-'}`);
  }
  return {
    cpuRequestCores: anyCpu ? Math.round(cpu * 1000) / 1000 : null,
    memoryRequestMiB: anyMemory ? Math.round(bytesToMiB(memory) * 1000) / 1000 : null,
    requests: raw.length ? raw.join('; ') : null,
  };
}
