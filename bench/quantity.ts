// Resource sizes as the platforms write them, parsed once for everyone (adapters, cost estimates).
// Google's Cloud Functions v2 `availableMemory` is a Kubernetes quantity like a Pod's requests
// ("Supported units are k, M, G, Mi, Gi. If no unit is supplied the value is interpreted as
// bytes": ServiceConfig reference), so one quantity parser serves both: M = 10^6, Mi = 2^20.

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

const MIB = 2 ** 20;
const GIB = 2 ** 30;

/** A Kubernetes quantity ("250m", "1", "128Mi", "1G", "1e3") in base units (cores, bytes); null when it is not one. */
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

/** A memory quantity in bytes; null when it is not a positive quantity. */
export function memoryBytes(value: string | number | undefined | null): number | null {
  const bytes = parseQuantity(value);
  return bytes !== null && bytes > 0 ? bytes : null;
}

export const bytesToMiB = (bytes: number) => bytes / MIB;
export const bytesToGiB = (bytes: number) => bytes / GIB;
/** Megabytes (10^6 bytes), three decimals: '256M' -> 256, '1Gi' -> 1073.742. */
export const bytesToMegabytes = (bytes: number) => Math.round((bytes / 1e6) * 1000) / 1000;

/**
 * vCPUs Cloud Functions (2nd gen) / Cloud Run functions assign when availableCpu is unset, by
 * memory: 128 MiB .083, 256 MiB .167, 512 MiB .333, 1 GiB .583, 2 GiB 1, 4 GiB 2, 8 GiB 2,
 * 16 GiB 4, 32 GiB 8 (Google Cloud, "Configure memory and vCPU limits",
 * https://cloud.google.com/functions/docs/configuring/memory). A size between two tiers gets the
 * next tier's CPU; decimal sizes ("256M") fall in the tier of the binary size they stand for.
 */
const CPU_TIERS: ReadonlyArray<readonly [maxMiB: number, cpu: number]> = [
  [128, 0.083],
  [256, 0.167],
  [512, 0.333],
  [1024, 0.583],
  [2048, 1],
  [4096, 2],
  [8192, 2],
  [16384, 4],
  [32768, 8],
];

export function defaultCpuFor(memory: number): number {
  const mib = bytesToMiB(memory);
  for (const [maxMiB, cpu] of CPU_TIERS) if (mib <= maxMiB) return cpu;
  return 8;
}
