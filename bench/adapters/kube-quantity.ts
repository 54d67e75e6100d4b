// Kubernetes resource quantities ("250m", "1", "128Mi", "1G") as numbers for cost estimates.

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A quantity in base units (cores, bytes); null when it is not a quantity. */
export function parseQuantity(value: string | number | undefined | null): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:[eE]([+-]?\d+))?(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/.exec(value.trim());
  if (!match) return null;
  const base = Number(match[1]) * (match[2] ? 10 ** Number(match[2]) : 1);
  const unit = match[3] ?? '';
  const factor = BINARY[unit] ?? DECIMAL[unit];
  return factor === undefined ? null : base * factor;
}

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
    memoryRequestMiB: anyMemory ? Math.round((memory / 2 ** 20) * 1000) / 1000 : null,
    requests: raw.length ? raw.join('; ') : null,
  };
}
