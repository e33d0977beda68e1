package io.blip.testkit.aws;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of CBOR (RFC 8949) that Smithy RPC v2 CBOR uses, for the CloudWatch fake: maps, arrays,
 * text and byte strings, integers, floats (half, single, double), booleans, null, and timestamps
 * as tag 1 (epoch seconds). Decoding accepts definite and indefinite lengths (the AWS SDK writes
 * maps with indefinite length); encoding writes definite lengths.
 *
 * <p>Hand-written rather than a dependency: the SDK's shaded Jackson CBOR is internal to the SDK,
 * and this much of the format fits on a page.
 */
final class Cbor {
    private static final int BREAK = 0xff;
    private static final Object BREAK_MARK = new Object();

    private Cbor() {
    }

    // ---------------------------------------------------------------------------------- encoding

    /** Encodes {@code Map<String, ?>}, {@code List}, String, byte[], whole numbers, floats, Boolean, null, Instant. */
    static byte[] encode(Object value) {
        var out = new ByteArrayOutputStream();
        write(out, value);
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, Object value) {
        switch (value) {
            case null -> out.write(0xf6);
            case Boolean b -> out.write(b ? 0xf5 : 0xf4);
            case Integer i -> writeInteger(out, i);
            case Long l -> writeInteger(out, l);
            case Double d -> writeDouble(out, d);
            case Float f -> writeDouble(out, f);
            case String s -> {
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                head(out, 3, utf8.length);
                out.writeBytes(utf8);
            }
            case byte[] bytes -> {
                head(out, 2, bytes.length);
                out.writeBytes(bytes);
            }
            case Instant t -> {
                head(out, 6, 1);
                if (t.getNano() == 0) {
                    writeInteger(out, t.getEpochSecond());
                } else {
                    writeDouble(out, t.toEpochMilli() / 1000.0);
                }
            }
            case List<?> list -> {
                head(out, 4, list.size());
                list.forEach(item -> write(out, item));
            }
            case Map<?, ?> map -> {
                head(out, 5, map.size());
                map.forEach((k, v) -> {
                    write(out, String.valueOf(k));
                    write(out, v);
                });
            }
            default -> throw new IllegalArgumentException("cannot encode " + value.getClass().getName() + " as CBOR");
        }
    }

    private static void writeInteger(ByteArrayOutputStream out, long n) {
        if (n >= 0) {
            head(out, 0, n);
        } else {
            head(out, 1, -1 - n);
        }
    }

    private static void writeDouble(ByteArrayOutputStream out, double d) {
        out.write(0xfb);
        out.writeBytes(ByteBuffer.allocate(8).putDouble(d).array());
    }

    /** The initial byte(s): major type and argument, in the shortest form. */
    private static void head(ByteArrayOutputStream out, int major, long argument) {
        int mt = major << 5;
        if (argument < 24) {
            out.write(mt | (int) argument);
        } else if (argument <= 0xff) {
            out.write(mt | 24);
            out.write((int) argument);
        } else if (argument <= 0xffff) {
            out.write(mt | 25);
            out.writeBytes(ByteBuffer.allocate(2).putShort((short) argument).array());
        } else if (argument <= 0xffffffffL) {
            out.write(mt | 26);
            out.writeBytes(ByteBuffer.allocate(4).putInt((int) argument).array());
        } else {
            out.write(mt | 27);
            out.writeBytes(ByteBuffer.allocate(8).putLong(argument).array());
        }
    }

    // ---------------------------------------------------------------------------------- decoding

    /**
     * Decodes one data item: maps become {@code LinkedHashMap<String, Object>}, arrays {@code List},
     * integers {@code Long} (or {@code BigInteger} beyond it), floats {@code Double}, tag 1 an
     * {@link Instant}; other tags are dropped, leaving their content.
     *
     * @throws IllegalArgumentException when the bytes are not well-formed CBOR, or more follow the item
     */
    static Object decode(byte[] bytes) {
        var in = ByteBuffer.wrap(bytes);
        Object value = read(in);
        if (value == BREAK_MARK) {
            throw new IllegalArgumentException("CBOR: unexpected break");
        }
        if (in.hasRemaining()) {
            throw new IllegalArgumentException("CBOR: " + in.remaining() + " bytes after the data item");
        }
        return value;
    }

    private static Object read(ByteBuffer in) {
        if (!in.hasRemaining()) {
            throw new IllegalArgumentException("CBOR: truncated");
        }
        int initial = in.get() & 0xff;
        if (initial == BREAK) {
            return BREAK_MARK;
        }
        int major = initial >>> 5;
        int info = initial & 0x1f;
        return switch (major) {
            case 0 -> integer(argument(in, info), false);
            case 1 -> integer(argument(in, info), true);
            case 2 -> info == 31 ? chunks(in, 2) : bytes(in, length(in, info));
            case 3 -> info == 31
                    ? new String((byte[]) chunks(in, 3), StandardCharsets.UTF_8)
                    : new String(bytes(in, length(in, info)), StandardCharsets.UTF_8);
            case 4 -> array(in, info);
            case 5 -> map(in, info);
            case 6 -> tagged(argument(in, info), read(in));
            default -> simple(in, info);
        };
    }

    private static Object integer(long raw, boolean negative) {
        if (raw >= 0) {
            return negative ? -1 - raw : raw;
        }
        BigInteger unsigned = new BigInteger(Long.toUnsignedString(raw));
        return negative ? BigInteger.ONE.negate().subtract(unsigned) : unsigned;
    }

    private static List<Object> array(ByteBuffer in, int info) {
        var list = new ArrayList<Object>();
        if (info == 31) {
            for (Object item = read(in); item != BREAK_MARK; item = read(in)) {
                list.add(item);
            }
        } else {
            for (int n = length(in, info); n > 0; n--) {
                list.add(item(in));
            }
        }
        return list;
    }

    private static Map<String, Object> map(ByteBuffer in, int info) {
        var map = new LinkedHashMap<String, Object>();
        if (info == 31) {
            for (Object key = read(in); key != BREAK_MARK; key = read(in)) {
                map.put(String.valueOf(key), item(in));
            }
        } else {
            for (int n = length(in, info); n > 0; n--) {
                map.put(String.valueOf(item(in)), item(in));
            }
        }
        return map;
    }

    private static Object item(ByteBuffer in) {
        Object value = read(in);
        if (value == BREAK_MARK) {
            throw new IllegalArgumentException("CBOR: unexpected break");
        }
        return value;
    }

    /** The chunks of an indefinite-length byte or text string, joined. */
    private static Object chunks(ByteBuffer in, int major) {
        var out = new ByteArrayOutputStream();
        while (true) {
            int initial = in.get() & 0xff;
            if (initial == BREAK) {
                return out.toByteArray();
            }
            if (initial >>> 5 != major) {
                throw new IllegalArgumentException("CBOR: wrong chunk type in an indefinite-length string");
            }
            out.writeBytes(bytes(in, length(in, initial & 0x1f)));
        }
    }

    private static Object tagged(long tag, Object content) {
        if (tag == 1 && content instanceof Number seconds) {
            return Instant.ofEpochMilli(Math.round(seconds.doubleValue() * 1000));
        }
        return content;
    }

    private static Object simple(ByteBuffer in, int info) {
        return switch (info) {
            case 20 -> false;
            case 21 -> true;
            case 22, 23 -> null;
            case 25 -> (double) Float.float16ToFloat(in.getShort());
            case 26 -> (double) in.getFloat();
            case 27 -> in.getDouble();
            default -> throw new IllegalArgumentException("CBOR: unsupported simple value " + info);
        };
    }

    private static byte[] bytes(ByteBuffer in, int length) {
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }

    private static int length(ByteBuffer in, int info) {
        long n = argument(in, info);
        if (n < 0 || n > in.remaining()) {
            throw new IllegalArgumentException("CBOR: length " + Long.toUnsignedString(n) + " beyond the data");
        }
        return (int) n;
    }

    private static long argument(ByteBuffer in, int info) {
        return switch (info) {
            case 24 -> in.get() & 0xffL;
            case 25 -> in.getShort() & 0xffffL;
            case 26 -> in.getInt() & 0xffffffffL;
            case 27 -> in.getLong();
            default -> {
                if (info < 24) {
                    yield info;
                }
                throw new IllegalArgumentException("CBOR: unsupported additional information " + info);
            }
        };
    }
}
