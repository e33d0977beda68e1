package io.blip.runtime.monitor;

import io.blip.api.MetricType;
import io.blip.api.MetricValue;
import io.blip.api.collect.Collector;
import io.blip.api.collect.CollectorContext;
import io.blip.api.collect.CollectorFactory;
import io.blip.api.collect.CollectorHelp;
import io.blip.api.plan.Plan;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The monitor tests' collector: each collection notes {@code level @seconds since start}, then runs {@code during}. */
final class Recorder {
    static final String DOMAIN = "test.recorder";

    /** What a collection does after noting itself, e.g. wait for the test's release. */
    interface During {
        void run() throws InterruptedException;
    }

    private Recorder() {
    }

    static CollectorFactory factory(List<String> collected, Instant start, During during) {
        CollectorHelp help = CollectorHelp.builder(DOMAIN, "notes each collection")
                .metric("value", MetricType.GAUGE, "a value").build();
        return new CollectorFactory() {
            @Override
            public CollectorHelp help() {
                return help;
            }

            @Override
            public Collector make(CollectorContext context) {
                return new Collector() {
                    @Override
                    public void prepare(Plan plan) {
                    }

                    @Override
                    public List<MetricValue> collect(String level) throws InterruptedException {
                        collected.add(level + " @" + Duration.between(start, context.time().now()).toSeconds());
                        during.run();
                        return List.of(MetricValue.gauge("value", 1));
                    }
                };
            }
        };
    }
}
