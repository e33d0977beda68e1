package io.blip.sink.otlp;

import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.PointData;

import java.util.List;

/**
 * About how many bytes metric data takes in an OTLP protobuf request, for the byte budget of a
 * buffer: strings at their UTF-16 length (ASCII in practice), numbers and times at their fixed width,
 * plus a few bytes of tags and lengths per field. Cheap (no encoding) and within a small factor of the
 * real size; the resource is shared by a request and not counted.
 */
final class EncodedSize {
    /** Tag and length bytes of a metric and of its Sum or Gauge message. */
    private static final int METRIC_OVERHEAD = 12;
    /** start time, time, value (fixed 64-bit each) with their tags, and the point's own tag and length. */
    private static final int POINT = 3 * 9 + 3;
    /** Tags and lengths of one key-value attribute. */
    private static final int ATTRIBUTE_OVERHEAD = 8;

    private EncodedSize() {
    }

    static long of(List<MetricData> data) {
        long n = 0;
        for (MetricData d : data) {
            n += header(d);
            for (PointData p : d.getData().getPoints()) {
                n += point(p);
            }
        }
        return n;
    }

    /** A metric without its points: its name, description, unit and their tags. */
    static long header(MetricData d) {
        return METRIC_OVERHEAD + d.getName().length() + d.getDescription().length() + d.getUnit().length();
    }

    /** One data point with its attributes. */
    static long point(PointData p) {
        var attributes = new long[1];
        p.getAttributes().forEach((k, v) ->
                attributes[0] += ATTRIBUTE_OVERHEAD + k.getKey().length() + String.valueOf(v).length());
        return POINT + attributes[0];
    }
}
