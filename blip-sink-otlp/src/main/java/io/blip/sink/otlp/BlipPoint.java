package io.blip.sink.otlp;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.Data;
import io.opentelemetry.sdk.metrics.data.DoubleExemplarData;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.GaugeData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.resources.Resource;

import java.util.List;

/**
 * One data point that is also its metric (and the metric's Sum or Gauge): what almost every metric of
 * a collection is, one series per name. During an outage each monitor's buffer holds up to
 * {@code buffer-size} collections of about 200 of them; as the SDK's objects (metric, Sum or Gauge,
 * point list, point, attributes, and the name built anew) each took about 310 bytes of heap, as one
 * object it takes 48 (bench/results/otlp-many-monitors-1000.md). What is the same in every collection
 * lives in its {@link Shape}, made once per metric.
 *
 * @param shape      the metric's name, help, type and temporality
 * @param attributes the point's attributes
 * @param start      start time, epoch ns (0 for a gauge)
 * @param time       time, epoch ns
 * @param value      the value
 */
record BlipPoint(Shape shape, Attributes attributes, long start, long time, double value)
        implements MetricData, SumData<DoublePointData>, GaugeData<DoublePointData>, DoublePointData {

    /**
     * What a metric is in every collection: its resource, scope, name, help and type, and for a Sum its
     * temporality and whether it is monotonic (a point of its own is only made for Blip's names, whose
     * Sums are all monotonic). Compared by identity: a mapper makes one per metric and kind.
     */
    static final class Shape {
        final Resource resource;
        final InstrumentationScopeInfo scope;
        final String name;
        final String description;
        final String unit;
        final MetricDataType type;
        final AggregationTemporality temporality;
        final boolean monotonic;

        Shape(Resource resource, InstrumentationScopeInfo scope, String name, String description, String unit,
              MetricDataType type, AggregationTemporality temporality, boolean monotonic) {
            this.resource = resource;
            this.scope = scope;
            this.name = name;
            this.description = description;
            this.unit = unit;
            this.type = type;
            this.temporality = temporality;
            this.monotonic = monotonic;
        }

        @Override
        public String toString() {
            return name + " " + type + (type == MetricDataType.DOUBLE_SUM || type == MetricDataType.LONG_SUM
                    ? " " + temporality : "");
        }
    }

    @Override
    public Resource getResource() {
        return shape.resource;
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
        return shape.scope;
    }

    @Override
    public String getName() {
        return shape.name;
    }

    @Override
    public String getDescription() {
        return shape.description;
    }

    @Override
    public String getUnit() {
        return shape.unit;
    }

    @Override
    public MetricDataType getType() {
        return shape.type;
    }

    /** Itself: the exporter reads it as the metric's Sum or Gauge, by {@link #getType()}. */
    @Override
    public Data<?> getData() {
        return this;
    }

    @Override
    public List<DoublePointData> getPoints() {
        return List.of(this);
    }

    @Override
    public boolean isMonotonic() {
        return true;
    }

    @Override
    public AggregationTemporality getAggregationTemporality() {
        return shape.temporality;
    }

    @Override
    public long getStartEpochNanos() {
        return start;
    }

    @Override
    public long getEpochNanos() {
        return time;
    }

    @Override
    public Attributes getAttributes() {
        return attributes;
    }

    @Override
    public double getValue() {
        return value;
    }

    @Override
    public List<DoubleExemplarData> getExemplars() {
        return List.of();
    }
}
