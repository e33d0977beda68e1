package io.blip.runtime.plan;

import io.blip.api.BlipException;
import io.blip.api.plan.ErrorPolicy;
import io.blip.api.plan.ErrorPolicy.MetricAction;
import io.blip.api.plan.ErrorPolicy.Report;
import io.blip.api.plan.ErrorPolicy.RetryAction;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ErrorPolicyTest {

    @Test
    void parsesAnySubsetInOrder() {
        assertEquals(new ErrorPolicy(Report.IGNORE, MetricAction.DROP, RetryAction.STOP), ErrorPolicy.parse("p", "ignore,drop,stop"));
        assertEquals(new ErrorPolicy(Report.REPORT_ONCE, MetricAction.DROP, RetryAction.RETRY), ErrorPolicy.parse("p", "report-once"));
        assertEquals(new ErrorPolicy(Report.REPORT, MetricAction.ZERO, RetryAction.STOP), ErrorPolicy.parse("p", "zero, stop"));
        assertEquals("report,drop,retry", ErrorPolicy.DEFAULT.toString());
        assertEquals("report-once,zero,stop", ErrorPolicy.parse("p", "report-once,zero,stop").toString());
    }

    @Test
    void refusesUnknownWordsAndWrongOrder() {
        String format = "write <report>,<metric>,<retry> with report = report|report-once|ignore, metric = drop|zero,"
                + " retry = retry|stop (any of the three, in that order), e.g. ignore,drop,retry";
        assertEquals("x.errors.access-denied: 'ignore,dorp' is not an error policy: unknown word 'dorp'; " + format,
                assertThrows(BlipException.class, () -> ErrorPolicy.parse("x.errors.access-denied", "ignore,dorp")).getMessage());
        assertEquals("p: 'drop,ignore' is not an error policy: 'ignore' is out of order or repeated; " + format,
                assertThrows(BlipException.class, () -> ErrorPolicy.parse("p", "drop,ignore")).getMessage());
        assertEquals("p: the error policy is empty; " + format,
                assertThrows(BlipException.class, () -> ErrorPolicy.parse("p", " ")).getMessage());
    }
}
