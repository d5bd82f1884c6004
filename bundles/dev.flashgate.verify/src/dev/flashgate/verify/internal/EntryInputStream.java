package dev.flashgate.verify.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;

/**
 * One entry's uncompressed bytes as a stream, read with positional reads so it can share the
 * archive's channel. Problems of the archive surface as {@link IOException}s whose cause is a
 * {@link FlashgateException} with the package code.
 */
public final class EntryInputStream extends InputStream {

    private static final int CHUNK = 64 * 1024;

    private final FileChannel channel;
    private final ZipEntryRecord entry;
    private final Inflater inflater;
    private final ByteBuffer input;
    private long position;
    private long remaining;

    EntryInputStream(FileChannel channel, ZipEntryRecord entry) {
        this.channel = channel;
        this.entry = entry;
        this.position = entry.dataStart();
        this.remaining = entry.compressedSize();
        boolean stored = entry.method() == ZipEntryRecord.STORED;
        this.inflater = stored ? null : new Inflater(true);
        this.input = stored ? null : ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(1, remaining)));
    }

    public static IOException failure(ErrorCode code, String detail) {
        return new IOException(code + ": " + detail, new FlashgateException(code, detail));
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        return inflater == null ? readStored(b, off, len) : readInflated(b, off, len);
    }

    private int readStored(byte[] b, int off, int len) throws IOException {
        if (remaining == 0) {
            return -1;
        }
        ByteBuffer target = ByteBuffer.wrap(b, off, (int) Math.min(len, remaining));
        int n = channel.read(target, position);
        if (n < 0) {
            throw failure(ErrorCode.PKG_TRUNCATED, entry.name() + ": the file ends early (it changed after verification)");
        }
        position += n;
        remaining -= n;
        return n;
    }

    private int readInflated(byte[] b, int off, int len) throws IOException {
        try {
            while (!inflater.finished()) {
                if (inflater.needsInput()) {
                    if (remaining == 0) {
                        throw failure(ErrorCode.PKG_TRUNCATED, entry.name() + ": compressed data ends early");
                    }
                    input.clear().limit((int) Math.min(input.capacity(), remaining));
                    ZipArchive.readFully(channel, input, position);
                    input.flip();
                    position += input.remaining();
                    remaining -= input.remaining();
                    inflater.setInput(input);
                }
                int n = inflater.inflate(b, off, len);
                if (n > 0) {
                    return n;
                }
                if (inflater.needsDictionary()) {
                    throw failure(ErrorCode.PKG_NOT_ZIP, entry.name() + ": corrupt compressed data");
                }
            }
            return -1;
        } catch (DataFormatException e) {
            throw failure(ErrorCode.PKG_NOT_ZIP, entry.name() + ": corrupt compressed data");
        } catch (FlashgateException e) {
            throw new IOException(e.toString(), e);
        }
    }

    @Override
    public void close() {
        if (inflater != null) {
            inflater.end();
        }
    }
}
