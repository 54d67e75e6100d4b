// The one place that talks to hdr-histogram-js: build, record, encode, decode, add, summarise.
// Values are integer microseconds (hdr-histogram-js truncates fractions), 3 significant digits.
import * as hdr from 'hdr-histogram-js';

export interface LatencyHistogram {
  /** Record one latency in microseconds (rounded to an integer, negatives clamped to 0). */
  record(us: number): void;
  /** Add every value of another histogram (exact merge). */
  add(other: LatencyHistogram): void;
  readonly count: number;
  /** Compressed base64 (HdrHistogram V2 format): what results.json stores. */
  encode(): string;
  summary(errors?: number): LatencySummary;
  /** Value at a percentile (0-100), microseconds. */
  percentile(p: number): number;
  /** Percentile distribution points for charts: [percentile, valueUs][]. */
  distribution(): Array<[number, number]>;
  /** Free the underlying storage (WASM histograms need it; harmless for JS ones). */
  destroy(): void;
  /** @internal the wrapped hdr-histogram-js object. */
  readonly raw: hdr.Histogram;
}

/** The summary keys of results.json (integer microseconds). */
export interface LatencySummary {
  count: number;
  errors: number;
  minUs: number;
  p50Us: number;
  p90Us: number;
  p95Us: number;
  p99Us: number;
  p999Us: number;
  maxUs: number;
  meanUs: number;
  stddevUs: number;
}

const SIGNIFICANT_DIGITS = 3;

function wrap(raw: hdr.Histogram): LatencyHistogram {
  return {
    raw,
    record(us: number) {
      raw.recordValue(us > 0 ? Math.round(us) : 0);
    },
    add(other: LatencyHistogram) {
      raw.add(other.raw);
    },
    get count() {
      return raw.totalCount;
    },
    encode() {
      return hdr.encodeIntoCompressedBase64(raw);
    },
    percentile(p: number) {
      return valueAt(raw, p);
    },
    summary(errors = 0): LatencySummary {
      const n = raw.totalCount;
      if (n === 0) {
        return { count: 0, errors, minUs: 0, p50Us: 0, p90Us: 0, p95Us: 0, p99Us: 0, p999Us: 0, maxUs: 0, meanUs: 0, stddevUs: 0 };
      }
      return {
        count: n,
        errors,
        minUs: valueAt(raw, 0),
        p50Us: valueAt(raw, 50),
        p90Us: valueAt(raw, 90),
        p95Us: valueAt(raw, 95),
        p99Us: valueAt(raw, 99),
        p999Us: valueAt(raw, 99.9),
        maxUs: valueAt(raw, 100),
        meanUs: Math.round(raw.mean),
        stddevUs: Math.round(raw.stdDeviation),
      };
    },
    distribution() {
      const points: Array<[number, number]> = [];
      if (raw.totalCount === 0) return points;
      // Percentiles spaced evenly on the 1/(1-p) log axis that HdrHistogram plots use.
      for (let nines = 0; nines <= 5; nines += 0.05) {
        const p = 100 * (1 - Math.pow(10, -nines));
        points.push([+p.toFixed(5), valueAt(raw, p)]);
      }
      points.push([100, valueAt(raw, 100)]);
      return points;
    },
    destroy() {
      raw.destroy();
    },
  };
}

/** The lowest value equivalent to the percentile's bucket: a recorded exact value reads back as
 *  itself, and a histogram reads the same before and after an encode/decode round trip. */
function valueAt(raw: hdr.Histogram, p: number): number {
  if (raw.totalCount === 0) return 0;
  const v = p >= 100 ? raw.maxValue : raw.getValueAtPercentile(p);
  return (raw as unknown as { lowestEquivalentValue(v: number): number }).lowestEquivalentValue(v);
}

export function createHistogram(): LatencyHistogram {
  return wrap(
    hdr.build({
      bitBucketSize: 32,
      autoResize: true,
      lowestDiscernibleValue: 1,
      highestTrackableValue: 2,
      numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
      useWebAssembly: false,
    }),
  );
}

/** Decode a compressed base64 histogram from results.json. Throws on a corrupt string. */
export function decodeHistogram(encoded: string): LatencyHistogram {
  const raw = hdr.decodeFromCompressedBase64(encoded, 32, false);
  return wrap(raw);
}

/** A new histogram holding the sum of all given ones. */
export function mergeHistograms(histograms: Iterable<LatencyHistogram>): LatencyHistogram {
  const out = createHistogram();
  for (const h of histograms) out.add(h);
  return out;
}

/** Convenience for exact inputs (tests, cold samples): a histogram of these values. */
export function histogramOf(valuesUs: Iterable<number>): LatencyHistogram {
  const h = createHistogram();
  for (const v of valuesUs) h.record(v);
  return h;
}

/** Every recorded bucket, ascending: [valueUs (lowest equivalent value), count]. Rank tests
 *  (Mann-Whitney U over HDR distributions) need the counts, not just percentiles. */
export function recordedBuckets(h: LatencyHistogram): Array<[number, number]> {
  const raw = h.raw as unknown as {
    recordedValuesIterator: { reset(): void; hasNext(): boolean; next(): { valueIteratedTo: number; countAtValueIteratedTo: number } };
    lowestEquivalentValue(v: number): number;
  };
  const out: Array<[number, number]> = [];
  const it = raw.recordedValuesIterator;
  it.reset();
  while (it.hasNext()) {
    const step = it.next();
    out.push([raw.lowestEquivalentValue(step.valueIteratedTo), step.countAtValueIteratedTo]);
  }
  return out;
}

/** Every recorded bucket with its value range, ascending: [lowestUs, highestUs, count], where
 *  [lowestUs, highestUs] are the integers that bucket holds (exporters turn them into explicit
 *  histogram bounds). */
export function recordedBucketRanges(h: LatencyHistogram): Array<[number, number, number]> {
  const raw = h.raw as unknown as { highestEquivalentValue(v: number): number };
  return recordedBuckets(h).map(([low, count]) => [low, raw.highestEquivalentValue(low), count]);
}
