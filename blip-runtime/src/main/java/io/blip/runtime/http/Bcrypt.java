package io.blip.runtime.http;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Checks a password against a bcrypt hash ({@code $2a$}, {@code $2b$}, {@code $2y$}), as the
 * exporter-toolkit's {@code basic_auth_users} hold them (made with {@code htpasswd -nBC 10}). The
 * algorithm is OpenBSD's: Blowfish with the expensive key schedule. Blowfish's initial P-array and
 * S-boxes are the hexadecimal digits of pi's fraction, so they are computed once (Machin's formula,
 * a few ms) rather than written out. The password is its UTF-8 bytes and a NUL, of which bcrypt reads
 * the first 72.
 */
public final class Bcrypt {
    private static final String ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    /** "OrpheanBeholderScryDoubt", the text bcrypt enciphers. */
    private static final int[] MAGIC = {0x4f727068, 0x65616e42, 0x65686f6c, 0x64657253, 0x63727944, 0x6f756274};
    private static final int WORDS = 18 + 4 * 256;
    /** Pi's fraction in 32-bit words: the P-array (18), then the four S-boxes (256 each). */
    private static volatile int[] pi;

    private Bcrypt() {
    }

    /** Whether {@code hash} is of a form this reads: {@code $2a$}, {@code $2b$} or {@code $2y$}, cost 4 to 31. */
    public static boolean readable(String hash) {
        if (hash == null || hash.length() != 60 || !hash.startsWith("$2") || hash.charAt(3) != '$'
                || "aby".indexOf(hash.charAt(2)) < 0 || hash.charAt(6) != '$') {
            return false;
        }
        try {
            int cost = Integer.parseInt(hash.substring(4, 6));
            if (cost < 4 || cost > 31) {
                return false;
            }
        } catch (NumberFormatException e) {
            return false;
        }
        for (int i = 7; i < 60; i++) {
            if (ALPHABET.indexOf(hash.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code password} is the one {@code hash} was made from; false for a hash it cannot read. */
    public static boolean matches(String password, String hash) {
        if (!readable(hash)) {
            return false;
        }
        int cost = Integer.parseInt(hash.substring(4, 6));
        byte[] salt = decode(hash.substring(7, 29), 16);
        String made = hash.substring(0, 29) + encode(digest(password, salt, cost), 23);
        return MessageDigest.isEqual(made.getBytes(StandardCharsets.US_ASCII), hash.getBytes(StandardCharsets.US_ASCII));
    }

    /** A hash of {@code password} with this salt (16 bytes) and cost, in the {@code $2y$} form (for tests). */
    public static String hash(String password, byte[] salt, int cost) {
        return "$2y$" + (cost < 10 ? "0" : "") + cost + "$" + encode(salt, 16) + encode(digest(password, salt, cost), 23);
    }

    private static byte[] digest(String password, byte[] salt, int cost) {
        byte[] utf8 = password.getBytes(StandardCharsets.UTF_8);
        byte[] key = Arrays.copyOf(utf8, Math.min(utf8.length + 1, 72)); // with its NUL, at most 72 bytes
        int[] initial = pi();
        int[] p = Arrays.copyOf(initial, 18);
        int[] s = Arrays.copyOfRange(initial, 18, WORDS);
        expand(p, s, salt, key);
        for (long round = 1L << cost; round > 0; round--) {
            expand(p, s, null, key);
            expand(p, s, null, salt);
        }
        int[] text = MAGIC.clone();
        int[] lr = new int[2];
        for (int i = 0; i < 64; i++) {
            for (int j = 0; j < 6; j += 2) {
                lr[0] = text[j];
                lr[1] = text[j + 1];
                encipher(p, s, lr);
                text[j] = lr[0];
                text[j + 1] = lr[1];
            }
        }
        byte[] out = new byte[24];
        for (int i = 0; i < 6; i++) {
            out[4 * i] = (byte) (text[i] >>> 24);
            out[4 * i + 1] = (byte) (text[i] >>> 16);
            out[4 * i + 2] = (byte) (text[i] >>> 8);
            out[4 * i + 3] = (byte) text[i];
        }
        return Arrays.copyOf(out, 23);
    }

    /** Blowfish's key schedule with bcrypt's salt (none in the expensive rounds). */
    private static void expand(int[] p, int[] s, byte[] salt, byte[] key) {
        int[] keyAt = {0};
        for (int i = 0; i < 18; i++) {
            p[i] ^= word(key, keyAt);
        }
        int[] saltAt = {0};
        int[] lr = new int[2];
        for (int i = 0; i < 18; i += 2) {
            salt(lr, salt, saltAt);
            encipher(p, s, lr);
            p[i] = lr[0];
            p[i + 1] = lr[1];
        }
        for (int i = 0; i < s.length; i += 2) {
            salt(lr, salt, saltAt);
            encipher(p, s, lr);
            s[i] = lr[0];
            s[i + 1] = lr[1];
        }
    }

    private static void salt(int[] lr, byte[] salt, int[] at) {
        if (salt != null) {
            lr[0] ^= word(salt, at);
            lr[1] ^= word(salt, at);
        }
    }

    /** The next 4 bytes of {@code data}, cyclically, big-endian. */
    private static int word(byte[] data, int[] at) {
        int w = 0;
        for (int i = 0; i < 4; i++) {
            w = (w << 8) | (data[at[0]] & 0xff);
            at[0] = (at[0] + 1) % data.length;
        }
        return w;
    }

    private static void encipher(int[] p, int[] s, int[] lr) {
        int l = lr[0] ^ p[0];
        int r = lr[1];
        for (int i = 1; i <= 16; i += 2) {
            r ^= f(s, l) ^ p[i];
            l ^= f(s, r) ^ p[i + 1];
        }
        lr[0] = r ^ p[17];
        lr[1] = l;
    }

    private static int f(int[] s, int x) {
        return ((s[x >>> 24] + s[256 + ((x >>> 16) & 0xff)]) ^ s[512 + ((x >>> 8) & 0xff)]) + s[768 + (x & 0xff)];
    }

    /** Pi's fraction, {@value #WORDS} words of it, made at the first use. */
    private static int[] pi() {
        int[] words = pi;
        if (words == null) {
            words = piWords();
            pi = words;
        }
        return words;
    }

    static int[] piWords() {
        int bits = WORDS * 32 + 64; // and some guard bits
        BigInteger one = BigInteger.ONE.shiftLeft(bits);
        // pi = 16 atan(1/5) - 4 atan(1/239), in fixed point with `bits` bits of fraction.
        BigInteger scaled = atanInverse(5, one).shiftLeft(4).subtract(atanInverse(239, one).shiftLeft(2));
        BigInteger fraction = scaled.subtract(BigInteger.valueOf(3).shiftLeft(bits)).shiftRight(64);
        int[] words = new int[WORDS];
        for (int i = 0; i < WORDS; i++) {
            words[i] = fraction.shiftRight((WORDS - 1 - i) * 32).intValue();
        }
        return words;
    }

    /** atan(1/x) times {@code one}: x^-1 - x^-3/3 + x^-5/5 - ... */
    private static BigInteger atanInverse(int x, BigInteger one) {
        BigInteger xx = BigInteger.valueOf((long) x * x);
        BigInteger power = one.divide(BigInteger.valueOf(x));
        BigInteger sum = power;
        for (int k = 1; power.signum() != 0; k++) {
            power = power.divide(xx);
            BigInteger term = power.divide(BigInteger.valueOf(2L * k + 1));
            sum = (k % 2 == 1) ? sum.subtract(term) : sum.add(term);
        }
        return sum;
    }

    private static String encode(byte[] data, int length) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < length) {
            int c1 = data[i++] & 0xff;
            out.append(ALPHABET.charAt(c1 >>> 2));
            c1 = (c1 & 0x03) << 4;
            if (i >= length) {
                out.append(ALPHABET.charAt(c1));
                break;
            }
            int c2 = data[i++] & 0xff;
            c1 |= c2 >>> 4;
            out.append(ALPHABET.charAt(c1));
            c1 = (c2 & 0x0f) << 2;
            if (i >= length) {
                out.append(ALPHABET.charAt(c1));
                break;
            }
            c2 = data[i++] & 0xff;
            c1 |= c2 >>> 6;
            out.append(ALPHABET.charAt(c1));
            out.append(ALPHABET.charAt(c2 & 0x3f));
        }
        return out.toString();
    }

    private static byte[] decode(String text, int length) {
        byte[] out = new byte[length];
        int n = 0;
        int i = 0;
        while (n < length && i < text.length() - 1) {
            int c1 = ALPHABET.indexOf(text.charAt(i++));
            int c2 = ALPHABET.indexOf(text.charAt(i++));
            out[n++] = (byte) ((c1 << 2) | ((c2 & 0x30) >>> 4));
            if (n >= length || i >= text.length()) {
                break;
            }
            int c3 = ALPHABET.indexOf(text.charAt(i++));
            out[n++] = (byte) (((c2 & 0x0f) << 4) | ((c3 & 0x3c) >>> 2));
            if (n >= length || i >= text.length()) {
                break;
            }
            int c4 = ALPHABET.indexOf(text.charAt(i++));
            out[n++] = (byte) (((c3 & 0x03) << 6) | c4);
        }
        return out;
    }
}
