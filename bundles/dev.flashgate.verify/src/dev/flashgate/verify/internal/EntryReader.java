package dev.flashgate.verify.internal;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;

/**
 * Streams one entry's uncompressed bytes in chunks, with positional reads so several readers
 * can share a channel. Never produces more than the entry's declared size plus one byte, so a
 * lying header cannot make it inflate without bound.
 */
public final class EntryReader {

    /** Receives each chunk; the buffer is valid only during the call. */
    @FunctionalInterface
    public interface Sink {
        void accept(ByteBuffer chunk) throws FlashgateException;
    }

    private static final int CHUNK = 1 << 20;

    private final FileChannel channel;
    private final ZipEntryRecord entry;

    EntryReader(FileChannel channel, ZipEntryRecord entry) {
        this.channel = channel;
        this.entry = entry;
    }

    /** Streams the whole entry to {@code sink}; returns the number of uncompressed bytes produced. */
    public long stream(Sink sink) throws IOException, FlashgateException {
        ByteBuffer in = ByteBuffer.allocateDirect((int) Math.min(CHUNK, Math.max(entry.compressedSize(), 1)));
        return entry.method() == ZipEntryRecord.STORED ? copy(in, sink) : inflate(in, sink);
    }

    private long copy(ByteBuffer buffer, Sink sink) throws IOException, FlashgateException {
        long position = entry.dataStart();
        long remaining = entry.compressedSize();
        while (remaining > 0) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), remaining));
            ZipArchive.readFully(channel, buffer, position);
            buffer.flip();
            position += buffer.remaining();
            remaining -= buffer.remaining();
            sink.accept(buffer);
        }
        return entry.compressedSize();
    }

    private long inflate(ByteBuffer in, Sink sink) throws IOException, FlashgateException {
        Inflater inflater = new Inflater(true);
        ByteBuffer out = ByteBuffer.allocateDirect(CHUNK);
        long limit = entry.size() + 1;
        long produced = 0;
        long position = entry.dataStart();
        long remaining = entry.compressedSize();
        try {
            while (!inflater.finished() && produced < limit) {
                if (inflater.needsInput()) {
                    if (remaining == 0) {
                        throw new FlashgateException(ErrorCode.PKG_TRUNCATED, entry.name() + ": compressed data ends early");
                    }
                    in.clear().limit((int) Math.min(in.capacity(), remaining));
                    ZipArchive.readFully(channel, in, position);
                    in.flip();
                    position += in.remaining();
                    remaining -= in.remaining();
                    inflater.setInput(in);
                }
                out.clear().limit((int) Math.min(out.capacity(), limit - produced));
                int n = inflater.inflate(out);
                if (n == 0 && inflater.needsDictionary()) {
                    throw new FlashgateException(ErrorCode.PKG_NOT_ZIP, entry.name() + ": corrupt compressed data");
                }
                if (n > 0) {
                    produced += n;
                    sink.accept(out.flip());
                }
            }
            return produced;
        } catch (DataFormatException e) {
            throw new FlashgateException(ErrorCode.PKG_NOT_ZIP, entry.name() + ": corrupt compressed data", e);
        } finally {
            inflater.end();
        }
    }

    /** The entry's bytes, refusing more than {@code max}; for small entries such as the manifest. */
    public byte[] readAll(int max) throws IOException, FlashgateException {
        if (entry.size() > max) {
            throw new FlashgateException(ErrorCode.PKG_TOO_LARGE, entry.name() + " is " + entry.size()
                    + " bytes; at most " + max + " are allowed");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) entry.size());
        long n = stream(chunk -> {
            if (out.size() + chunk.remaining() > max) {
                throw new FlashgateException(ErrorCode.PKG_TOO_LARGE, entry.name() + " inflates beyond " + max + " bytes");
            }
            byte[] bytes = new byte[chunk.remaining()];
            chunk.get(bytes);
            out.writeBytes(bytes);
        });
        if (n != entry.size()) {
            throw new FlashgateException(ErrorCode.PKG_NOT_ZIP, entry.name() + ": holds " + n
                    + " bytes but the archive says " + entry.size());
        }
        return out.toByteArray();
    }
}
