package io.blip.runtime.config;

import io.blip.api.BlipException;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code monitor-loader.shard}: this instance's share of the monitors, when several Blip instances
 * load the same monitors (the same files, the same RDS discovery) and split them without talking to
 * each other. A monitor belongs to the shard whose index scores highest for its id (rendezvous
 * hashing): every instance computes the same owner, and going from N shards to N+1 moves only the
 * monitors the new shard wins, about 1/(N+1) of them.
 *
 * <p>{@code i/N} is shard {@code i} of {@code N} (from 0); {@code auto} takes {@code i} from the
 * ordinal that ends a Kubernetes StatefulSet pod's hostname ({@code blip-2}: 2) and {@code N} from
 * the environment variable {@value #COUNT_ENV}, which the StatefulSet sets to its replicas.
 *
 * @param index   this shard, from 0
 * @param count   how many shards there are; 1 for no sharding
 * @param written the config value, e.g. {@code 1/3} or {@code auto}; empty for no sharding
 */
public record Shard(int index, int count, String written) {
    /** Where {@code auto} reads the number of shards. */
    public static final String COUNT_ENV = "BLIP_SHARD_COUNT";
    /** No sharding: every monitor is this instance's. */
    public static final Shard ALL = new Shard(0, 1, "");

    private static final Pattern FIXED = Pattern.compile("(\\d{1,9})/(\\d{1,9})");
    private static final Pattern ORDINAL = Pattern.compile(".*-(\\d{1,9})");
    private static final String HOW = "; write shard: i/N (this instance is shard i of N, from 0, e.g. 0/3)"
            + " or shard: auto (i from a StatefulSet pod's hostname, N from " + COUNT_ENV + ")";

    /** What is wrong with a config value, or null: for the config's own check, with file and line. */
    static String problem(String value) {
        if (value.isEmpty() || value.equals("auto")) {
            return null;
        }
        Matcher m = FIXED.matcher(value);
        if (!m.matches()) {
            return "'" + value + "' is not a shard" + HOW;
        }
        return fixed(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), "'" + value + "'");
    }

    private static String fixed(int index, int count, String what) {
        if (count < 1) {
            return what + ": the number of shards must be at least 1";
        }
        if (index >= count) {
            return what + ": shard " + index + " does not exist among " + count + " (shards are numbered from 0 to "
                    + (count - 1) + ")";
        }
        return null;
    }

    /**
     * The shard of a config value the config loader has checked.
     *
     * @param env      the environment, for {@value #COUNT_ENV} and {@code HOSTNAME}
     * @param hostname this host's name, when {@code HOSTNAME} is not set
     * @throws BlipException for {@code auto} without an ordinal in the hostname or without a count
     */
    public static Shard of(String value, Map<String, String> env, Supplier<String> hostname) {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty()) {
            return ALL;
        }
        if (!v.equals("auto")) {
            String bad = problem(v);
            if (bad != null) {
                throw new BlipException("monitor-loader.shard: " + bad);
            }
            Matcher m = FIXED.matcher(v);
            m.matches();
            return new Shard(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), v);
        }
        String host = env.getOrDefault("HOSTNAME", "");
        if (host.isBlank()) {
            host = hostname.get();
        }
        host = host.strip();
        int dot = host.indexOf('.');
        String name = dot < 0 ? host : host.substring(0, dot);
        Matcher ordinal = ORDINAL.matcher(name);
        if (!ordinal.matches()) {
            throw new BlipException("monitor-loader.shard: auto: the hostname '" + host + "' does not end in an"
                    + " ordinal (-0, -1, ...) as a StatefulSet pod's does" + HOW);
        }
        String countText = env.getOrDefault(COUNT_ENV, "").strip();
        if (!countText.matches("\\d{1,9}")) {
            throw new BlipException("monitor-loader.shard: auto: " + (countText.isEmpty() ? COUNT_ENV + " is not set"
                    : COUNT_ENV + "='" + countText + "' is not a number") + "; set it to the number of shards (the"
                    + " StatefulSet's replicas)");
        }
        int index = Integer.parseInt(ordinal.group(1));
        int count = Integer.parseInt(countText);
        String bad = fixed(index, count, "auto (hostname " + host + ", " + COUNT_ENV + "=" + count + ")");
        if (bad != null) {
            throw new BlipException("monitor-loader.shard: " + bad);
        }
        return new Shard(index, count, "auto");
    }

    /** Whether this instance monitors the monitor of this id. */
    public boolean owns(String monitorId) {
        return count == 1 || owner(monitorId, count) == index;
    }

    /** The shard, of {@code count}, that a monitor id belongs to: the highest score of id and shard. */
    public static int owner(String monitorId, int count) {
        long id = fnv1a(monitorId);
        int best = 0;
        long bestScore = Long.MIN_VALUE;
        for (int shard = 0; shard < count; shard++) {
            long score = mix(id ^ mix(shard + 0x9E3779B97F4A7C15L));
            if (Long.compareUnsigned(score, bestScore) > 0 || shard == 0) {
                best = shard;
                bestScore = score;
            }
        }
        return best;
    }

    /** 64-bit FNV-1a of the id's UTF-8 bytes: the same on every instance and version. */
    private static long fnv1a(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** SplitMix64's finaliser: spreads every input bit over the output. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** {@code 1/3}, and {@code (auto)} when it came from the pod. */
    public String describe() {
        return index + "/" + count + (written.equals("auto") ? " (auto)" : "");
    }
}
