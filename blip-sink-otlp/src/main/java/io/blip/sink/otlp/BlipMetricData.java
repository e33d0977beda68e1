package io.blip.sink.otlp;

import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.Data;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.resources.Resource;

/**
 * One metric of one collection, as the OTLP exporter takes it. The SDK's own implementation lives in
 * an internal package, so this small record implements the public interface; points and data are
 * made with the public factories ({@code DoublePointData.create}, {@code SumData.createDoubleSumData},
 * {@code GaugeData.createDoubleGaugeData}).
 */
record BlipMetricData(Resource resource, InstrumentationScopeInfo scope, String name, String description,
                      String unit, MetricDataType type, Data<?> data) implements MetricData {

    @Override
    public Resource getResource() {
        return resource;
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
        return scope;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getDescription() {
        return description;
    }

    @Override
    public String getUnit() {
        return unit;
    }

    @Override
    public MetricDataType getType() {
        return type;
    }

    @Override
    public Data<?> getData() {
        return data;
    }
}
