// A loopback OTLP/HTTP receiver that decodes each export with the OpenTelemetry project's own
// protobuf definitions: the static code generated from opentelemetry-proto that
// @opentelemetry/otlp-transformer ships (build/src/generated/root.js). Nothing here is written
// by coldbench, so a wrong encoding cannot decode "right" by construction.
import { createRequire } from 'node:module';
import { startServer, type FixtureServer } from './http.js';

const require = createRequire(import.meta.url);

interface StaticMessageType {
  decode(buffer: Uint8Array): object;
  toObject(message: object, options: Record<string, unknown>): unknown;
}

function exportRequestType(): StaticMessageType {
  let node: unknown = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');
  for (const key of ['opentelemetry', 'proto', 'collector', 'metrics', 'v1', 'ExportMetricsServiceRequest']) {
    if (node === null || (typeof node !== 'object' && typeof node !== 'function') || !(key in node)) throw new Error(`generated OTLP definitions: no ${key}`);
    node = (node as Record<string, unknown>)[key];
  }
  const type = node as Partial<StaticMessageType>;
  if (typeof type.decode !== 'function' || typeof type.toObject !== 'function') throw new Error('generated OTLP definitions: no decode/toObject');
  return type as StaticMessageType;
}

// The OTLP messages as toObject() gives them (longs as numbers, enums as names).
export interface KeyValue {
  key: string;
  value: { stringValue?: string; intValue?: number; doubleValue?: number };
}
export interface NumberDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: number;
  timeUnixNano: number;
  asDouble?: number;
  asInt?: number;
}
export interface HistogramDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: number;
  timeUnixNano: number;
  count: number;
  sum?: number;
  min?: number;
  max?: number;
  bucketCounts: number[];
  explicitBounds: number[];
}
export interface Metric {
  name: string;
  description: string;
  unit: string;
  gauge?: { dataPoints: NumberDataPoint[] };
  sum?: { dataPoints: NumberDataPoint[]; aggregationTemporality: string; isMonotonic: boolean };
  histogram?: { dataPoints: HistogramDataPoint[]; aggregationTemporality: string };
}
export interface ExportMetricsServiceRequest {
  resourceMetrics: Array<{ resource: { attributes: KeyValue[] }; scopeMetrics: Array<{ scope: { name: string; version: string }; metrics: Metric[] }> }>;
}

export function decodeExportRequest(body: Uint8Array): ExportMetricsServiceRequest {
  const type = exportRequestType();
  const decoded = type.toObject(type.decode(body), { longs: Number, enums: String, arrays: true, defaults: false });
  if (!decoded || typeof decoded !== 'object' || !Array.isArray((decoded as { resourceMetrics?: unknown }).resourceMetrics)) throw new Error('not an ExportMetricsServiceRequest');
  return decoded as ExportMetricsServiceRequest;
}

export function attributesOf(kvs: KeyValue[]): Record<string, string> {
  return Object.fromEntries(kvs.map((kv) => [kv.key, kv.value.stringValue ?? '']));
}

export interface ReceivedExport {
  path: string;
  contentType: string;
  headers: Record<string, string | string[] | undefined>;
  request: ExportMetricsServiceRequest;
}

export interface OtlpReceiver extends FixtureServer {
  received: ReceivedExport[];
}

/** Answers every export with `status` (200: an empty ExportMetricsServiceResponse). */
export async function startOtlpReceiver(status = 200): Promise<OtlpReceiver> {
  const received: ReceivedExport[] = [];
  const server = await startServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (status === 200) {
        received.push({ path: req.url ?? '', contentType: String(req.headers['content-type']), headers: req.headers, request: decodeExportRequest(Buffer.concat(chunks)) });
      }
      res.writeHead(status, { 'content-type': 'application/x-protobuf' });
      res.end();
    });
  });
  return Object.assign(server, { received });
}

export function allMetrics(request: ExportMetricsServiceRequest): Metric[] {
  return request.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
}

/** The value of an explicit-bucket histogram at quantile q the way HdrHistogram reads it: the
 *  bucket holding the max(1, round(q * count))-th value; returns that bucket's bounds. */
export function quantileBucket(point: HistogramDataPoint, q: number): { lower: number; upper: number } {
  const rank = Math.max(1, Math.floor(q * point.count + 0.5));
  let seen = 0;
  for (let i = 0; i < point.bucketCounts.length; i++) {
    seen += point.bucketCounts[i]!;
    if (seen >= rank) return { lower: i === 0 ? -Infinity : point.explicitBounds[i - 1]!, upper: i < point.explicitBounds.length ? point.explicitBounds[i]! : Infinity };
  }
  throw new Error(`histogram holds ${seen} values, fewer than rank ${rank}`);
}
