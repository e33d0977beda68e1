package io.blip.sink.otlp;

import io.blip.api.collect.OptionHelp;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.resources.Resource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OtlpSinkFactoryTest {

    @Test
    void declaresItsOptionsWithHeadersSecret() {
        Map<String, OptionHelp> options = new OtlpSinkFactory(Map.of()).options();
        assertEquals(List.of("endpoint", "protocol", "headers", "compression", "timeout", "ca", "cert", "key",
                "insecure", "metric-prefix", "temporality", "meta-attributes", "service-name", "batch-size",
                "batch-delay", "buffer-size", "buffer-bytes", "health", "retry-initial", "retry-max"), List.copyOf(options.keySet()));
        assertTrue(options.get("headers").secret());
        assertEquals(1, options.values().stream().filter(OptionHelp::secret).count());
        assertEquals(List.of("grpc", "http/protobuf"), List.copyOf(options.get("protocol").values().keySet()));
        assertEquals("otlp", new OtlpSinkFactory(Map.of()).name());
    }

    @Test
    void theResourceDescribesTheMonitor() {
        Resource r = OtlpSinkFactory.resource(TestData.monitor("db1", "db1.local:3307", Map.of("env", "prod")),
                Map.of("service.name", "blip", "deployment.environment.name", "staging"));
        Map<String, Object> attrs = new java.util.TreeMap<>();
        r.getAttributes().forEach((k, v) -> attrs.put(k.getKey(), v));
        assertEquals(Map.of("service.name", "blip", "deployment.environment.name", "staging",
                "service.instance.id", "db1", "db.system.name", "mysql", "server.address", "db1.local",
                "server.port", 3307L, "blip.monitor.id", "db1", "env", "prod"), attrs);
    }

    @Test
    void aSocketMonitorHasNoServerAddress() {
        Resource r = OtlpSinkFactory.resource(new io.blip.api.config.MonitorConfig("s", "", new io.blip.api.config.MysqlConfig(
                "", "/run/mysqld.sock", "", "blip", io.blip.api.Secret.empty(), "", null, ""), null, null, null, null,
                "", null, null, null), Map.of());
        assertFalse(r.getAttributes().asMap().containsKey(AttributeKey.stringKey("server.address")));
    }
}
