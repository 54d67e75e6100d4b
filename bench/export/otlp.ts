// OTLP/HTTP (protobuf) through the OpenTelemetry JS SDK's metrics exporter. The metric families
// become SDK metric data as they are (nothing is re-recorded): latency as explicit-bucket
// histograms whose buckets are the decoded HDR histogram's, counters as monotonic sums, the rest
// as gauges. Each point spans its run (start -> end time, cumulative), so a backend sees every
// run as a fresh series start. Headers (e.g. an API key) also come from the standard
// OTEL_EXPORTER_OTLP_HEADERS / OTEL_EXPORTER_OTLP_METRICS_HEADERS environment variables.
import { ValueType, type HrTime } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { TOOL_VERSION } from '../version.js';
import type { Endpoint } from './endpoint.js';
import type { Labels, MetricFamily } from './metrics.js';
import { PushError } from './pushgateway.js';

const TIMEOUT_MS = 15_000;

function hrTime(ms: number): HrTime {
  const whole = Math.floor(ms);
  return [Math.floor(whole / 1000), (whole % 1000) * 1e6];
}

function attributes(labels: Labels): Record<string, string> {
  return Object.fromEntries(labels);
}

function metricData(f: MetricFamily): MetricData {
  const descriptor = { name: f.name, description: f.help, unit: f.unit === 'seconds' ? 's' : '', valueType: f.type === 'counter' ? ValueType.INT : ValueType.DOUBLE };
  switch (f.type) {
    case 'summary':
      return {
        descriptor,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints: f.points.map((p) => ({
          startTime: hrTime(p.startMs),
          endTime: hrTime(p.endMs),
          attributes: attributes(p.labels),
          value: {
            buckets: { boundaries: p.bounds, counts: p.bucketCounts },
            sum: p.sumSeconds,
            count: p.count,
            ...(p.minSeconds !== null ? { min: p.minSeconds } : {}),
            ...(p.maxSeconds !== null ? { max: p.maxSeconds } : {}),
          },
        })),
      };
    case 'counter':
      return {
        descriptor,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.SUM,
        isMonotonic: true,
        dataPoints: f.points.map((p) => ({ startTime: hrTime(p.startMs), endTime: hrTime(p.endMs), attributes: attributes(p.labels), value: p.value })),
      };
    case 'gauge':
      return {
        descriptor,
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.GAUGE,
        dataPoints: f.points.map((p) => ({ startTime: hrTime(p.startMs), endTime: hrTime(p.endMs), attributes: attributes(p.labels), value: p.value })),
      };
  }
}

export function toResourceMetrics(families: MetricFamily[]): ResourceMetrics {
  return {
    resource: resourceFromAttributes({ 'service.name': 'coldbench', 'service.version': TOOL_VERSION }),
    scopeMetrics: [{ scope: { name: 'coldbench', version: TOOL_VERSION }, metrics: families.filter((f) => f.points.length > 0).map(metricData) }],
  };
}

/** The metrics endpoint: a bare collector address (`http://host:4318`) gets the standard
 *  `/v1/metrics` path; any other path is used as given. */
export function otlpMetricsUrl(endpoint: Endpoint): string {
  const url = new URL(endpoint.url.href);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/metrics';
  return url.href;
}

export async function exportOtlp(families: MetricFamily[], endpoint: Endpoint): Promise<void> {
  const exporter = new OTLPMetricExporter({ url: otlpMetricsUrl(endpoint), headers: endpoint.headers, timeoutMillis: TIMEOUT_MS });
  try {
    const result = await new Promise<ExportResult>((resolve) => exporter.export(toResourceMetrics(families), resolve));
    if (result.code !== ExportResultCode.SUCCESS) {
      throw new PushError(`${endpoint.display}: ${result.error?.message ?? 'unknown error'}`);
    }
  } finally {
    await exporter.shutdown().catch(() => undefined);
  }
}
