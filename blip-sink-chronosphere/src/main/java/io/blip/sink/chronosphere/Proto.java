package io.blip.sink.chronosphere;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few pieces of protobuf's wire format the OpenMetrics messages need (varint, length-delimited,
 * fixed64), written as Go's proto.Marshal writes proto3: fields in number order, empty strings and
 * zero scalars left out, a oneof's value always written. Written by hand: the messages are five and
 * small, and protobuf-java without generated classes would bring 1.8 MB to write them no differently.
 */
final class Proto {
    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LEN = 2;

    private Proto() {
    }

    static void varint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static void tag(ByteArrayOutputStream out, int field, int wireType) {
        varint(out, ((long) field << 3) | wireType);
    }

    /** A string field; nothing when empty (proto3's default). */
    static void string(ByteArrayOutputStream out, int field, String value) {
        if (!value.isEmpty()) {
            bytes(out, field, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A message field (length-delimited), written even when empty (a set oneof, a present message). */
    static void message(ByteArrayOutputStream out, int field, byte[] message) {
        bytes(out, field, message);
    }

    private static void bytes(ByteArrayOutputStream out, int field, byte[] value) {
        tag(out, field, LEN);
        varint(out, value.length);
        out.writeBytes(value);
    }

    /** A fixed64 field (a double's bits), always written: the doubles here are oneof members. */
    static void fixed64(ByteArrayOutputStream out, int field, long bits) {
        tag(out, field, FIXED64);
        for (int i = 0; i < 8; i++) {
            out.write((int) (bits >>> (8 * i)) & 0xFF);
        }
    }

    /** A varint field; nothing when zero (proto3's default). */
    static void int64(ByteArrayOutputStream out, int field, long value) {
        if (value != 0) {
            tag(out, field, VARINT);
            varint(out, value);
        }
    }

    /** {@code google.protobuf.Timestamp{seconds=1, nanos=2}}. */
    static byte[] timestamp(long seconds, int nanos) {
        var out = new ByteArrayOutputStream(12);
        int64(out, 1, seconds);
        int64(out, 2, nanos);
        return out.toByteArray();
    }
}
