package dev.flashgate.verify.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * ZIP archives written field by field, for what no well-behaved writer makes: CRC-32s that
 * disagree, bytes hidden after a deflate stream, entry modes, extra fields.
 */
final class RawZip {

    private RawZip() {
    }

    /** One entry; by default as the JDK's writer makes a stored one (made by MS-DOS, no attributes). */
    static final class Entry {
        final String name;
        final byte[] data;
        final int method;
        final long size;
        long crc;
        long localCrc;
        long descriptorCrc;
        boolean descriptor;
        int madeBy = 20;
        long attributes;
        byte[] localExtra = new byte[0];
        byte[] centralExtra = new byte[0];

        private Entry(String name, byte[] data, int method, long size, long crc) {
            this.name = name;
            this.data = data;
            this.method = method;
            this.size = size;
            crc(crc);
        }

        static Entry stored(String name, byte[] content) {
            return new Entry(name, content, 0, content.length, crc32(content));
        }

        /** {@code content} deflated, followed by {@code hidden} inside the entry's compressed size. */
        static Entry deflated(String name, byte[] content, byte[] hidden) {
            Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
            deflater.setInput(content);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            deflater.end();
            out.writeBytes(hidden);
            return new Entry(name, out.toByteArray(), 8, content.length, crc32(content));
        }

        /** The CRC-32 every copy of it claims (central directory, local header, data descriptor). */
        Entry crc(long value) {
            crc = value;
            localCrc = value;
            descriptorCrc = value;
            return this;
        }

        Entry localCrc(long value) {
            localCrc = value;
            return this;
        }

        /** Sizes and CRC-32 after the data (general purpose flag bit 3), the local header's CRC-32 zero. */
        Entry withDescriptor(long crcInIt) {
            descriptor = true;
            localCrc = 0;
            descriptorCrc = crcInIt;
            return this;
        }

        /** Made on Unix, with {@code mode} (type and permission bits) in the external attributes. */
        Entry unixMode(int mode) {
            madeBy = 3 << 8 | 30;
            attributes = (long) mode << 16;
            return this;
        }

        Entry dosAttributes(int value) {
            attributes = value;
            return this;
        }

        Entry extra(byte[] local, byte[] central) {
            localExtra = local;
            centralExtra = central;
            return this;
        }
    }

    /** Info-ZIP's Unicode path field (0x7075) for an entry called {@code headerName}, naming {@code unicodeName}. */
    static byte[] unicodePath(String headerName, String unicodeName) {
        byte[] unicode = unicodeName.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(9 + unicode.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0x7075).putShort((short) (5 + unicode.length)).put((byte) 1)
                .putInt((int) crc32(headerName.getBytes(StandardCharsets.UTF_8))).put(unicode);
        return b.array();
    }

    static byte[] write(List<Entry> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Long> offsets = new ArrayList<>();
        for (Entry e : entries) {
            offsets.add((long) out.size());
            byte[] name = e.name.getBytes(StandardCharsets.UTF_8);
            ByteBuffer h = le(30 + name.length + e.localExtra.length);
            h.putInt(0x04034b50).putShort((short) 20).putShort((short) (e.descriptor ? 8 : 0)).putShort((short) e.method)
                    .putInt(0).putInt((int) e.localCrc)
                    .putInt(e.descriptor ? 0 : e.data.length).putInt(e.descriptor ? 0 : (int) e.size)
                    .putShort((short) name.length).putShort((short) e.localExtra.length).put(name).put(e.localExtra);
            out.writeBytes(h.array());
            out.writeBytes(e.data);
            if (e.descriptor) {
                out.writeBytes(le(16).putInt(0x08074b50).putInt((int) e.descriptorCrc).putInt(e.data.length)
                        .putInt((int) e.size).array());
            }
        }
        long cdStart = out.size();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            byte[] name = e.name.getBytes(StandardCharsets.UTF_8);
            ByteBuffer c = le(46 + name.length + e.centralExtra.length);
            c.putInt(0x02014b50).putShort((short) e.madeBy).putShort((short) 20).putShort((short) (e.descriptor ? 8 : 0))
                    .putShort((short) e.method).putInt(0).putInt((int) e.crc).putInt(e.data.length).putInt((int) e.size)
                    .putShort((short) name.length).putShort((short) e.centralExtra.length).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putInt((int) e.attributes).putInt(offsets.get(i).intValue())
                    .put(name).put(e.centralExtra);
            out.writeBytes(c.array());
        }
        long cdSize = out.size() - cdStart;
        out.writeBytes(le(22).putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
                .putShort((short) entries.size()).putShort((short) entries.size())
                .putInt((int) cdSize).putInt((int) cdStart).putShort((short) 0).array());
        return out.toByteArray();
    }

    static long crc32(byte[] data) {
        CRC32 crc = new CRC32();
        crc.update(data);
        return crc.getValue();
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
