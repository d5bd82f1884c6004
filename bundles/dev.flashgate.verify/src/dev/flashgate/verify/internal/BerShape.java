package dev.flashgate.verify.internal;

import static dev.flashgate.core.ErrorCode.SIG_INVALID;

import dev.flashgate.core.FlashgateException;

/**
 * The outer shape of a BER/DER encoding, checked without interpreting it, before a recursive
 * parser sees it: exactly one element that ends where the input ends, every length inside its
 * container, and constructed elements nested at most {@link #MAX_DEPTH} deep. A CMS signature
 * with its certificates nests about ten deep; a few kilobytes of nested SEQUENCEs would otherwise
 * exhaust the parser's stack.
 * <p>
 * Iterative on purpose: the walk itself must not recurse on what it has not yet bounded.
 */
final class BerShape {

    static final int MAX_DEPTH = 32;
    private static final int INDEFINITE = -1;

    private BerShape() {
    }

    static void check(byte[] in) throws FlashgateException {
        int[] end = new int[MAX_DEPTH]; // of each open constructed element: its end, or INDEFINITE
        int[] limit = new int[MAX_DEPTH + 1]; // how far the contents of each level may reach
        limit[0] = in.length;
        int depth = 0;
        int pos = 0;
        boolean started = false;
        while (true) {
            while (depth > 0) { // close what ends here
                if (end[depth - 1] == INDEFINITE && pos + 1 < limit[depth] && in[pos] == 0 && in[pos + 1] == 0) {
                    pos += 2;
                } else if (end[depth - 1] != pos) {
                    break;
                }
                depth--;
            }
            if (depth == 0 && started) {
                break;
            }
            if (pos >= limit[depth]) {
                throw malformed(pos, depth == 0 ? "the signature is empty" : "an indefinite-length element has no end-of-contents");
            }
            started = true;
            boolean constructed = (in[pos] & 0x20) != 0;
            if ((in[pos++] & 0x1f) == 0x1f) { // high tag number: base-128 digits
                int digits = 0;
                while (pos < limit[depth] && (in[pos] & 0x80) != 0) {
                    pos++;
                    if (++digits > 4) {
                        throw malformed(pos, "a tag number longer than four bytes");
                    }
                }
                pos++;
            }
            if (pos >= limit[depth]) {
                throw malformed(pos, "an element is cut off in its header");
            }
            int first = in[pos++] & 0xff;
            long length = first;
            if (first == 0x80) {
                if (!constructed) {
                    throw malformed(pos, "a primitive element with an indefinite length");
                }
                length = INDEFINITE;
            } else if (first > 0x80) {
                int bytes = first & 0x7f;
                if (bytes > 4 || pos + bytes > limit[depth]) {
                    throw malformed(pos, "a length field of " + bytes + " bytes");
                }
                length = 0;
                for (int i = 0; i < bytes; i++) {
                    length = length << 8 | (in[pos++] & 0xff);
                }
            }
            if (length > limit[depth] - pos) {
                throw malformed(pos, "an element of " + length + " bytes where " + (limit[depth] - pos) + " remain");
            }
            if (!constructed) {
                pos += (int) length;
                continue;
            }
            if (depth == MAX_DEPTH) {
                throw new FlashgateException(SIG_INVALID, "manifest.json.p7s nests ASN.1 elements deeper than " + MAX_DEPTH
                        + " levels (at byte " + pos + "); no signature is built like that");
            }
            end[depth] = length == INDEFINITE ? INDEFINITE : pos + (int) length;
            limit[depth + 1] = length == INDEFINITE ? limit[depth] : end[depth];
            depth++;
        }
        if (pos != in.length) {
            throw new FlashgateException(SIG_INVALID, (in.length - pos) + " bytes follow the signature's ASN.1 structure");
        }
    }

    private static FlashgateException malformed(int at, String what) {
        return new FlashgateException(SIG_INVALID, "manifest.json.p7s is not well-formed ASN.1: " + what + " (at byte " + at + ")");
    }
}
