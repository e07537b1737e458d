/**
 * Optional OpenTelemetry traces: when an OTLP endpoint is configured, every
 * Effect span (the pipeline wraps each job in a span named `job` carrying
 * `jobUuid`) is exported over OTLP/HTTP with JSON bodies. Without an
 * endpoint nothing is exported and spans cost only their in-memory bookkeeping.
 */
import { type Duration, Layer } from "effect"
import { FetchHttpClient } from "effect/http"
import { OtlpExporter, OtlpSerialization, OtlpTracer } from "effect/observability"

export interface TracingOptions {
  /**
   * Base URL of an OTLP/HTTP collector (`http://collector:4318`), as in
   * `OTEL_EXPORTER_OTLP_ENDPOINT`; spans go to `<endpoint>/v1/traces`. A URL
   * that already ends in `/v1/traces` is used as it is. Absent: no export.
   */
  readonly otlpEndpoint?: string
  /** Extra request headers, e.g. a collector's authentication token. */
  readonly headers?: Readonly<Record<string, string>>
  readonly serviceName?: string
  readonly serviceVersion?: string
  /** How often batched spans are sent; the exporter's default when absent. */
  readonly exportInterval?: Duration.Input
}

/** The traces URL for a collector base URL. */
export const tracesUrl = (endpoint: string): string => {
  const trimmed = endpoint.replace(/\/+$/, "")
  return trimmed.endsWith("/v1/traces") ? trimmed : `${trimmed}/v1/traces`
}

/**
 * Installs the OTLP span exporter when `otlpEndpoint` is set. Either way the
 * layer provides a `Flusher`, so shutdown code can flush unconditionally (a
 * no-op without an exporter). Spans still buffered are also sent when the
 * layer's scope closes.
 */
export const layer = (options: TracingOptions): Layer.Layer<OtlpExporter.Flusher> => {
  if (options.otlpEndpoint === undefined || options.otlpEndpoint === "") {
    return OtlpExporter.layerFlusher
  }
  return OtlpTracer.layer({
    url: tracesUrl(options.otlpEndpoint),
    resource: {
      serviceName: options.serviceName ?? "agent-stack-k8s",
      ...(options.serviceVersion === undefined ? {} : { serviceVersion: options.serviceVersion }),
    },
    ...(options.headers === undefined ? {} : { headers: options.headers }),
    ...(options.exportInterval === undefined ? {} : { exportInterval: options.exportInterval }),
  }).pipe(Layer.provide(OtlpSerialization.layerJson), Layer.provide(FetchHttpClient.layer))
}
