package io.blip.sink.chronosphere;

import java.io.ByteArrayOutputStream;

/**
 * Snappy's block format (format_description.txt of google/snappy), as Go's {@code snappy.Encode} writes
 * it for Blip: the uncompressed length as a varint, then literals and copies, the input taken 64 KiB at
 * a time with copies only within its block, matches found greedily through a table of 4-byte hashes.
 * Written here rather than with snappy-java, whose native library needs {@code --enable-native-access}
 * for a module the runtime loads in a plugin layer (else a warning now, and a failure in a later JDK).
 * The tests decompress what it writes with snappy-java, the reference implementation.
 */
final class SnappyBlock {
    private static final int BLOCK = 1 << 16;
    private static final int TABLE_BITS = 14;
    private static final int MIN_MATCH = 4;

    private SnappyBlock() {
    }

    static byte[] compress(byte[] in) {
        var out = new ByteArrayOutputStream(in.length / 2 + 16);
        Proto.varint(out, in.length);
        int[] table = new int[1 << TABLE_BITS];
        for (int start = 0; start < in.length; start += BLOCK) {
            block(in, start, Math.min(in.length, start + BLOCK), table, out);
        }
        return out.toByteArray();
    }

    private static void block(byte[] in, int start, int end, int[] table, ByteArrayOutputStream out) {
        java.util.Arrays.fill(table, -1);
        int literal = start;
        int i = start;
        while (i + MIN_MATCH <= end) {
            int h = hash(in, i);
            int candidate = table[h];
            table[h] = i;
            if (candidate < start || !same4(in, candidate, i)) {
                i++;
                continue;
            }
            literal(in, literal, i, out);
            int length = MIN_MATCH;
            while (i + length < end && in[candidate + length] == in[i + length]) {
                length++;
            }
            copy(i - candidate, length, out);
            i += length;
            literal = i;
        }
        literal(in, literal, end, out);
    }

    private static int hash(byte[] in, int i) {
        return (int4(in, i) * 0x1e35a7bd) >>> (32 - TABLE_BITS);
    }

    private static int int4(byte[] in, int i) {
        return (in[i] & 0xFF) | (in[i + 1] & 0xFF) << 8 | (in[i + 2] & 0xFF) << 16 | (in[i + 3] & 0xFF) << 24;
    }

    private static boolean same4(byte[] in, int a, int b) {
        return int4(in, a) == int4(in, b);
    }

    /** Tag 00: length - 1 in the tag's upper 6 bits below 60, else in the 1 to 4 bytes that follow. */
    private static void literal(byte[] in, int from, int to, ByteArrayOutputStream out) {
        int n = to - from;
        if (n == 0) {
            return;
        }
        int m = n - 1;
        if (m < 60) {
            out.write(m << 2);
        } else {
            int bytes = m < 1 << 8 ? 1 : m < 1 << 16 ? 2 : m < 1 << 24 ? 3 : 4;
            out.write((59 + bytes) << 2);
            for (int b = 0; b < bytes; b++) {
                out.write((m >>> (8 * b)) & 0xFF);
            }
        }
        out.write(in, from, n);
    }

    /** Copies of at most 64 bytes: tag 01 (length 4 to 11, offset below 2048) or tag 10 (2-byte offset). */
    private static void copy(int offset, int length, ByteArrayOutputStream out) {
        while (length >= 68) {
            copy2(offset, 64, out);
            length -= 64;
        }
        if (length > 64) {
            copy2(offset, 60, out);
            length -= 60;
        }
        if (length >= 12 || offset >= 2048) {
            copy2(offset, length, out);
        } else {
            out.write(0x01 | (length - 4) << 2 | (offset >>> 8) << 5);
            out.write(offset & 0xFF);
        }
    }

    private static void copy2(int offset, int length, ByteArrayOutputStream out) {
        out.write(0x02 | (length - 1) << 2);
        out.write(offset & 0xFF);
        out.write((offset >>> 8) & 0xFF);
    }
}
