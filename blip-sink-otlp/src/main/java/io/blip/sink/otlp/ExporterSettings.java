package io.blip.sink.otlp;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one OTLP exporter is: its effective endpoint, protocol, headers, compression, timeout, TLS
 * files and batching. Sinks whose settings are equal share one exporter (and one batch queue), so
 * this record is the registry's key. Its {@link #toString()} never shows header values.
 *
 * @param protocol    {@code grpc} or {@code http/protobuf}
 * @param endpoint    the full URL: for http/protobuf with the {@code /v1/metrics} path
 * @param headers     request headers (API keys): secrets
 * @param compression {@code gzip} or {@code none}
 * @param timeout     the most one export request may take
 * @param ca          a PEM file of trusted CA certificates; empty for the JDK's
 * @param cert        a PEM client certificate (mutual TLS); empty for none
 * @param key         the PEM private key of {@code cert}; empty for none
 * @param batchSize   the data points that make a full export request
 * @param batchDelay  how long a collection may wait for others to join its request
 * @param retryInitial the most the first retry waits (exponential backoff with full jitter)
 * @param retryMax     the most any retry waits
 */
record ExporterSettings(String protocol, String endpoint, Map<String, String> headers, String compression,
                        Duration timeout, String ca, String cert, String key, int batchSize, Duration batchDelay,
                        Duration retryInitial, Duration retryMax) {

    static final String GRPC = "grpc";
    static final String HTTP = "http/protobuf";

    ExporterSettings {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(endpoint, "endpoint");
        headers = java.util.Collections.unmodifiableMap(new TreeMap<>(headers));
        Objects.requireNonNull(compression, "compression");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(batchDelay, "batchDelay");
        Objects.requireNonNull(retryInitial, "retryInitial");
        Objects.requireNonNull(retryMax, "retryMax");
        ca = ca == null ? "" : ca;
        cert = cert == null ? "" : cert;
        key = key == null ? "" : key;
    }

    /** For logs and status: header names only. */
    @Override
    public String toString() {
        return protocol + " " + endpoint + (headers.isEmpty() ? "" : " headers " + headers.keySet());
    }
}
