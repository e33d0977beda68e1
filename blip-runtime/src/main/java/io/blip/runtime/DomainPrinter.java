package io.blip.runtime;

import io.blip.api.collect.CollectorHelp;
import io.blip.api.collect.ErrorHelp;
import io.blip.api.collect.MetricHelp;
import io.blip.runtime.config.OptionPrinter;
import java.util.List;

/** {@code --print-domains}: every domain with its options, metrics, groups, meta and errors. */
final class DomainPrinter {
    private DomainPrinter() {
    }

    static String print(List<CollectorHelp> helps) {
        StringBuilder b = new StringBuilder();
        for (CollectorHelp h : helps) {
            b.append(h.domain()).append('\n');
            b.append("  ").append(h.description()).append('\n');
            if (!h.options().isEmpty()) {
                b.append("  Options:\n");
                OptionPrinter.print(h.options(), "    ", b);
            }
            if (!h.errors().isEmpty()) {
                b.append("  Error policies:\n");
                for (ErrorHelp e : h.errors().values()) {
                    b.append("    ").append(e.name()).append(": ").append(e.description())
                            .append(" (MySQL error ").append(e.mysqlErrorCodes()).append(")\n");
                }
            }
            if (!h.groups().isEmpty()) {
                b.append("  Groups: ").append(String.join(", ", h.groups())).append('\n');
            }
            if (!h.meta().isEmpty()) {
                b.append("  Meta: ").append(String.join(", ", h.meta())).append('\n');
            }
            if (!h.metrics().isEmpty()) {
                b.append(h.strictMetrics() ? "  Metrics:\n" : "  Metrics (known; others may be collected):\n");
                for (MetricHelp m : h.metrics()) {
                    b.append("    ").append(m.name()).append(" (").append(m.type().displayName());
                    if (!m.unit().isEmpty()) {
                        b.append(", ").append(m.unit());
                    }
                    b.append("): ").append(m.description()).append('\n');
                }
            }
            b.append('\n');
        }
        return b.toString();
    }
}
