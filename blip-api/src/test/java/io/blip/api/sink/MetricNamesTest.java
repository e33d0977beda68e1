package io.blip.api.sink;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The names a sink sends: Blip's, or a translator's, after the prefix. */
class MetricNamesTest {

    /** Renames {@code status.global}; fails on {@code bad}; answers null for the rest. */
    private static final class Counting implements MetricTranslator {
        final AtomicInteger asked = new AtomicInteger();

        public String name() {
            return "counting";
        }

        public String description() {
            return "";
        }

        public String translate(String domain, String metric) {
            asked.incrementAndGet();
            if (metric.equals("bad")) {
                throw new IllegalStateException("no name for bad");
            }
            return domain.equals("status.global") ? "mysql." + metric : metric.equals("blank") ? " " : null;
        }
    }

    @Test
    void withoutATranslatorBlipsNamesAfterThePrefix() {
        assertEquals("dd.status.global.threads_running",
                MetricNames.of("dd.", null, w -> { }).of("status.global", "threads_running"));
        assertEquals("innodb.trx_active", MetricNames.of(null, null, w -> { }).of("innodb", "trx_active"));
    }

    @Test
    void aTranslatorsNameOrBlipsWhenItHasNoneEachAskedOnce() {
        var translator = new Counting();
        var warnings = new ArrayList<String>();
        MetricNames names = MetricNames.of("p.", translator, warnings::add);

        assertEquals("p.mysql.threads_running", names.of("status.global", "threads_running"));
        assertEquals("p.mysql.threads_running", names.of("status.global", "threads_running"));
        assertEquals("p.var.global.max_connections", names.of("var.global", "max_connections"));
        assertEquals("p.var.global.blank", names.of("var.global", "blank"));
        assertEquals(3, translator.asked.get(), "a name is made once per monitor");
        assertEquals(List.of(), warnings);
    }

    @Test
    void aTranslatorThatFailsIsReportedOnceAndBlipsNameSent() {
        var warnings = new ArrayList<String>();
        MetricNames names = MetricNames.of("", new Counting(), warnings::add);

        assertEquals("innodb.bad", names.of("innodb", "bad"));
        assertEquals("innodb.bad", names.of("innodb", "bad"));
        assertEquals(List.of("metric translator counting failed on innodb.bad:"
                + " java.lang.IllegalStateException: no name for bad; sent as innodb.bad"), warnings);
    }
}
