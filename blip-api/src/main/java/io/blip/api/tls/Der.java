package io.blip.api.tls;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The little DER that {@link Pem} needs to turn a PKCS#1 or SEC1 key into PKCS#8, the one form
 * the JDK's key factories read: read the elements of a SEQUENCE, write a SEQUENCE, an INTEGER 0,
 * NULL and an OCTET STRING. Not a general ASN.1 library: it reads definite lengths only, as DER has.
 */
final class Der {
    static final int INTEGER = 0x02;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;
    /** {@code [0]} EXPLICIT, constructed: SEC1's curve parameters. */
    static final int CONTEXT_0 = 0xA0;

    /** rsaEncryption, 1.2.840.113549.1.1.1 (the whole TLV). */
    static final byte[] RSA_ENCRYPTION = {0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01,
            0x01, 0x01};
    /** id-ecPublicKey, 1.2.840.10045.2.1 (the whole TLV). */
    static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x02, 0x01};

    private Der() {
    }

    /** One element: its tag, its value, and its whole encoding (tag, length, value). */
    record Element(int tag, byte[] value, byte[] encoded) {
    }

    /** The one element that {@code der} holds; an error if there is more or less. */
    static Element read(byte[] der) {
        List<Element> all = readAll(der);
        if (all.size() != 1) {
            throw new IllegalArgumentException("expected one DER element, found " + all.size());
        }
        return all.getFirst();
    }

    /** The elements in {@code der}, one after the other (e.g. the value of a SEQUENCE). */
    static List<Element> readAll(byte[] der) {
        List<Element> out = new ArrayList<>();
        int i = 0;
        while (i < der.length) {
            int start = i;
            int tag = der[i++] & 0xFF;
            if ((tag & 0x1F) == 0x1F) {
                throw new IllegalArgumentException("multi-byte DER tags are not used in keys");
            }
            if (i >= der.length) {
                throw new IllegalArgumentException("DER ends inside an element");
            }
            int length = der[i++] & 0xFF;
            if (length >= 0x80) {
                int bytes = length & 0x7F;
                if (bytes == 0 || bytes > 3 || i + bytes > der.length) {
                    throw new IllegalArgumentException("bad DER length");
                }
                length = 0;
                for (int b = 0; b < bytes; b++) {
                    length = length << 8 | der[i++] & 0xFF;
                }
            }
            if (length > der.length - i) {
                throw new IllegalArgumentException("DER element longer than its data");
            }
            byte[] value = Arrays.copyOfRange(der, i, i + length);
            i += length;
            out.add(new Element(tag, value, Arrays.copyOfRange(der, start, i)));
        }
        return out;
    }

    static byte[] sequence(byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            content.writeBytes(p);
        }
        return tlv(SEQUENCE, content.toByteArray());
    }

    static byte[] integerZero() {
        return new byte[] {INTEGER, 1, 0};
    }

    static byte[] nul() {
        return new byte[] {NULL, 0};
    }

    static byte[] octetString(byte[] value) {
        return tlv(OCTET_STRING, value);
    }

    static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        out.write(tag);
        int n = value.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n <= 0xFF) {
            out.write(0x81);
            out.write(n);
        } else if (n <= 0xFFFF) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    /** An OBJECT IDENTIFIER's value in dotted form, for messages. */
    static String oidText(byte[] value) {
        StringBuilder s = new StringBuilder();
        long n = 0;
        boolean first = true;
        for (byte b : value) {
            n = n << 7 | b & 0x7F;
            if ((b & 0x80) == 0) {
                if (first) {
                    long top = Math.min(n / 40, 2);
                    s.append(top).append('.').append(n - top * 40);
                    first = false;
                } else {
                    s.append('.').append(n);
                }
                n = 0;
            }
        }
        return s.toString();
    }
}
