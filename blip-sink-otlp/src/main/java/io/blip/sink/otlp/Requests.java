package io.blip.sink.otlp;

import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.GaugeData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.PointData;
import io.opentelemetry.sdk.metrics.data.SumData;

import java.util.ArrayList;
import java.util.List;

/**
 * One send's metric data cut into requests a collector takes. A collector refuses a request over its
 * size limit: over gRPC 4 MiB by default (its {@code max_recv_msg_size_mib}; the refusal is
 * RESOURCE_EXHAUSTED, which a sender must retry, so an oversized request would be retried until Blip
 * stops), over HTTP 20 MiB ({@code max_request_body_size}, a 413). Batches are counted in points
 * ({@code batch-size}), but one collection is never cut by the delivery, and a collection of a
 * hundred thousand tables is megabytes. So each request is kept to three quarters of the limit by
 * {@link EncodedSize}'s estimate (the rest is for what it leaves out: each monitor's resource and
 * scope), a metric's points cut where one metric alone is larger. A collector with a smaller limit
 * answers 413: the request is then {@link #halve}d and both halves sent.
 */
final class Requests {
    static final long GRPC_LIMIT = 4L << 20;
    static final long HTTP_LIMIT = 20L << 20;

    private Requests() {
    }

    /** The estimated bytes one request may have over {@code protocol}. */
    static long budget(String protocol) {
        return (protocol.equals(OtlpSettings.GRPC) ? GRPC_LIMIT : HTTP_LIMIT) / 4 * 3;
    }

    /** {@code data} in requests of at most {@code budget} estimated bytes each (one point at least), in order. */
    static List<List<MetricData>> split(List<MetricData> data, long budget) {
        List<List<MetricData>> requests = new ArrayList<>();
        List<MetricData> request = new ArrayList<>();
        long size = 0;
        for (MetricData d : data) {
            for (MetricData piece : pieces(d, budget)) {
                long n = EncodedSize.of(List.of(piece));
                if (!request.isEmpty() && size + n > budget) {
                    requests.add(request);
                    request = new ArrayList<>();
                    size = 0;
                }
                request.add(piece);
                size += n;
            }
        }
        if (!request.isEmpty()) {
            requests.add(request);
        }
        return requests;
    }

    /**
     * A request in two, the first at most five eighths of it by the estimate (a half, with room for the
     * header a cut metric has twice); the request alone when it is one point, or one metric whose points
     * cannot be cut.
     */
    static List<List<MetricData>> halve(List<MetricData> request) {
        List<List<MetricData>> parts = split(request, Math.max(1, EncodedSize.of(request) * 5 / 8));
        if (parts.size() <= 2) {
            return parts;
        }
        List<MetricData> rest = new ArrayList<>();
        parts.subList(1, parts.size()).forEach(rest::addAll);
        return List.of(parts.getFirst(), rest);
    }

    /** The metric, cut by its points into pieces of at most {@code budget} where it is larger and can be cut. */
    private static List<MetricData> pieces(MetricData d, long budget) {
        var points = new ArrayList<PointData>(d.getData().getPoints());
        if (points.size() < 2 || EncodedSize.of(List.of(d)) <= budget || !cuttable(d.getType())) {
            return List.of(d);
        }
        long header = EncodedSize.header(d);
        List<MetricData> pieces = new ArrayList<>();
        List<PointData> piece = new ArrayList<>();
        long size = header;
        for (PointData p : points) {
            long n = EncodedSize.point(p);
            if (!piece.isEmpty() && size + n > budget) {
                pieces.add(with(d, piece));
                piece = new ArrayList<>();
                size = header;
            }
            piece.add(p);
            size += n;
        }
        pieces.add(with(d, piece));
        return pieces;
    }

    private static boolean cuttable(MetricDataType type) {
        return type == MetricDataType.DOUBLE_GAUGE || type == MetricDataType.DOUBLE_SUM
                || type == MetricDataType.LONG_SUM;
    }

    /** The metric with these of its points. */
    @SuppressWarnings("unchecked")
    private static MetricData with(MetricData d, List<PointData> points) {
        var data = switch (d.getType()) {
            case DOUBLE_GAUGE -> GaugeData.createDoubleGaugeData((List<DoublePointData>) (List<?>) points);
            case DOUBLE_SUM -> {
                var sum = (SumData<?>) d.getData();
                yield SumData.createDoubleSumData(sum.isMonotonic(), sum.getAggregationTemporality(),
                        (List<DoublePointData>) (List<?>) points);
            }
            case LONG_SUM -> {
                var sum = (SumData<?>) d.getData();
                yield SumData.createLongSumData(sum.isMonotonic(), sum.getAggregationTemporality(),
                        (List<LongPointData>) (List<?>) points);
            }
            default -> throw new IllegalArgumentException("cannot cut a " + d.getType());
        };
        return new BlipMetricData(d.getResource(), d.getInstrumentationScopeInfo(), d.getName(), d.getDescription(),
                d.getUnit(), d.getType(), data);
    }
}
