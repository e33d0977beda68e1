package io.blip.runtime.config;

import io.blip.api.config.Option;
import io.blip.api.config.OptionSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Prints declared options for {@code --print-domains} and {@code --print-plugins}: each key with
 * its type, default, help, where else it may come from, and its allowed values.
 *
 * <pre>
 *     send-timeout: Most time one request may take (duration like 5s; default: 10s; also: timeout;
 *                   environment: OTEL_EXPORTER_OTLP_TIMEOUT)
 * </pre>
 */
public final class OptionPrinter {
    private OptionPrinter() {
    }

    /** The options, each line indented by {@code indent}; a section's keys one step further. */
    public static void print(OptionSet options, String indent, StringBuilder out) {
        for (Option o : options.options()) {
            out.append(indent).append(o.name()).append(": ").append(o.help());
            List<String> notes = new ArrayList<>();
            if (o.type() != Option.Type.STRING && o.type() != Option.Type.SECTION) {
                notes.add(o.type().description());
            }
            if (!o.defaultValue().isEmpty()) {
                notes.add("default: " + o.defaultValue());
            }
            if (!o.min().isEmpty()) {
                notes.add("at least " + o.min());
            }
            if (o.secret()) {
                notes.add("secret");
            }
            if (!o.aliases().isEmpty()) {
                notes.add("also: " + String.join(", ", o.aliases()));
            }
            List<String> from = new ArrayList<>(o.env());
            from.addAll(o.properties().stream().map(p -> "-D" + p).toList());
            if (!from.isEmpty()) {
                notes.add((o.configurable() ? "or from " : "only from ") + String.join(", ", from));
            }
            if (!notes.isEmpty()) {
                out.append(" (").append(String.join("; ", notes)).append(')');
            }
            out.append('\n');
            for (Map.Entry<String, String> v : o.values().entrySet()) {
                out.append(indent).append("  ").append(v.getKey())
                        .append(v.getValue().isEmpty() ? "" : " = " + v.getValue()).append('\n');
            }
            if (o.type() == Option.Type.SECTION) {
                print(o.children(), indent + "  ", out);
            }
        }
    }
}
