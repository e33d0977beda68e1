package io.blip.api.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One monitor's final config: monitor defaults merged in, {@code ${ENV}} and {@code %{monitor.x}}
 * interpolated, validated. Keys and meaning follow Blip's {@code ConfigMonitor}; the sections that
 * plugins own ({@link MonitorSection}) are in {@link #sections()}.
 *
 * @param id        the monitor id (default: hostname, else socket)
 * @param origin    where it was defined, for messages: {@code blip.yaml: monitors[0]}
 * @param mysql     how to connect, as written
 * @param address   where MySQL is, resolved once (from {@code hostname}, {@code socket} or the my.cnf)
 * @param tls       TLS settings
 * @param heartbeat heartbeat writer settings
 * @param plans     plan sources for this monitor
 * @param plan      the shared plan this monitor uses; empty for the first/default plan
 * @param sinks     each sink's options by sink name, checked against the sink's declaration
 * @param tags      tags passed to every sink
 * @param meta      user metadata (not sent to sinks)
 * @param sections  the plugin-owned sections by name, checked against their declarations, defaults
 *                  applied (every declared section is here, given or not)
 */
public record MonitorConfig(String id, String origin, MysqlConfig mysql, Address address, TlsConfig tls,
                            HeartbeatConfig heartbeat, PlansConfig plans, String plan,
                            Map<String, Options> sinks, Map<String, String> tags, Map<String, String> meta,
                            Map<String, Options> sections) {

    public MonitorConfig {
        Objects.requireNonNull(id, "id");
        origin = origin == null ? "" : origin;
        mysql = mysql == null ? MysqlConfig.EMPTY : mysql;
        address = address == null ? Address.NONE : address;
        tls = tls == null ? TlsConfig.EMPTY : tls;
        heartbeat = heartbeat == null ? HeartbeatConfig.EMPTY : heartbeat;
        plans = plans == null ? PlansConfig.EMPTY : plans;
        plan = plan == null ? "" : plan;
        sinks = Collections.unmodifiableMap(new LinkedHashMap<>(sinks == null ? Map.of() : sinks));
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags == null ? Map.of() : tags));
        meta = Collections.unmodifiableMap(new LinkedHashMap<>(meta == null ? Map.of() : meta));
        sections = Collections.unmodifiableMap(new LinkedHashMap<>(sections == null ? Map.of() : sections));
    }

    /** A monitor with only an id, everything else empty: a start for tests, with the {@code with} methods. */
    public static MonitorConfig of(String id) {
        return new MonitorConfig(id, "", null, null, null, null, null, "", null, null, null, null);
    }

    /**
     * A plugin-owned section's values, with the config path in messages; all defaults
     * when the monitor does not set it.
     *
     * @throws IllegalArgumentException when no loaded plugin declares the section (a plugin bug:
     *                                  it reads a section it did not declare)
     */
    public Options section(String name) {
        Options o = sections.get(name);
        if (o == null) {
            throw new IllegalArgumentException("no loaded plugin declares the monitor section '" + name
                    + "'; sections: " + sections.keySet());
        }
        return o;
    }

    public MonitorConfig withOrigin(String newOrigin) {
        return new MonitorConfig(id, newOrigin, mysql, address, tls, heartbeat, plans, plan, sinks, tags, meta,
                sections);
    }

    public MonitorConfig withMysql(MysqlConfig newMysql) {
        return new MonitorConfig(id, origin, newMysql, address, tls, heartbeat, plans, plan, sinks, tags, meta,
                sections);
    }

    public MonitorConfig withAddress(Address newAddress) {
        return new MonitorConfig(id, origin, mysql, newAddress, tls, heartbeat, plans, plan, sinks, tags, meta,
                sections);
    }

    public MonitorConfig withTls(TlsConfig newTls) {
        return new MonitorConfig(id, origin, mysql, address, newTls, heartbeat, plans, plan, sinks, tags, meta,
                sections);
    }

    public MonitorConfig withTags(Map<String, String> newTags) {
        return new MonitorConfig(id, origin, mysql, address, tls, heartbeat, plans, plan, sinks, newTags, meta,
                sections);
    }

    /** The same monitor with one section's values set (or replaced). */
    public MonitorConfig withSection(String name, Options values) {
        var all = new LinkedHashMap<>(sections);
        all.put(name, values);
        return new MonitorConfig(id, origin, mysql, address, tls, heartbeat, plans, plan, sinks, tags, meta, all);
    }
}
