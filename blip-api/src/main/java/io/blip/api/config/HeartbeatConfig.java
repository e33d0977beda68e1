package io.blip.api.config;

/**
 * Blip's {@code heartbeat} section.
 *
 * @param freq     how often to write; empty turns the writer off
 * @param sourceId the source id written (default: the monitor id)
 * @param role     an optional source role
 * @param table    the heartbeat table (default {@code blip.heartbeat} when {@code freq} is set)
 */
public record HeartbeatConfig(String freq, String sourceId, String role, String table) {
    public static final HeartbeatConfig EMPTY = new HeartbeatConfig("", "", "", "");

    public HeartbeatConfig {
        freq = freq == null ? "" : freq;
        sourceId = sourceId == null ? "" : sourceId;
        role = role == null ? "" : role;
        table = table == null ? "" : table;
    }
}
