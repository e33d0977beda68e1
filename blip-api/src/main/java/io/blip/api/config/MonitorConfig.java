package io.blip.api.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One monitor's final config: monitor defaults merged in, {@code ${ENV}} and {@code %{monitor.x}}
 * interpolated, validated. Keys and meaning follow Blip's {@code ConfigMonitor}.
 *
 * @param id        the monitor id (default: hostname, else socket)
 * @param origin    where it was defined, for messages: {@code blip.yaml: monitors[0]}
 * @param mysql     how to connect
 * @param aws       AWS settings
 * @param tls       TLS settings
 * @param heartbeat heartbeat writer settings
 * @param plans     plan sources for this monitor
 * @param plan      the shared plan this monitor uses; empty for the first/default plan
 * @param sinks     sink options by sink name
 * @param tags      tags passed to every sink
 * @param meta      user metadata (not sent to sinks)
 */
public record MonitorConfig(String id, String origin, MysqlConfig mysql, AwsConfig aws, TlsConfig tls,
                            HeartbeatConfig heartbeat, PlansConfig plans, String plan,
                            Map<String, Options> sinks, Map<String, String> tags, Map<String, String> meta) {

    public MonitorConfig {
        Objects.requireNonNull(id, "id");
        origin = origin == null ? "" : origin;
        mysql = mysql == null ? MysqlConfig.EMPTY : mysql;
        aws = aws == null ? AwsConfig.EMPTY : aws;
        tls = tls == null ? TlsConfig.EMPTY : tls;
        heartbeat = heartbeat == null ? HeartbeatConfig.EMPTY : heartbeat;
        plans = plans == null ? PlansConfig.EMPTY : plans;
        plan = plan == null ? "" : plan;
        sinks = Collections.unmodifiableMap(new LinkedHashMap<>(sinks == null ? Map.of() : sinks));
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags == null ? Map.of() : tags));
        meta = Collections.unmodifiableMap(new LinkedHashMap<>(meta == null ? Map.of() : meta));
    }
}
