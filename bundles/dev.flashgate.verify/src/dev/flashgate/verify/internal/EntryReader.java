package dev.flashgate.verify.internal;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;

/**
 * Streams one entry's uncompressed bytes in chunks, with positional reads so several readers
 * can share a channel. Never produces more than the entry's declared size plus one byte, so a
 * lying header cannot make it inflate without bound. A deflate stream must use its entry's
 * compressed size exactly: bytes hidden after its end are refused.
 */
public final class EntryReader {

    /** What an entry's bytes were: how many, and their CRC-32. */
    public record Content(long size, long crc) {
    }

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

    /**
     * Streams the whole entry to {@code sink}; returns how many uncompressed bytes it produced and
     * their CRC-32, for the caller to hold against the archive's (see {@link #check}).
     */
    public Content stream(Sink sink) throws IOException, FlashgateException {
        ByteBuffer in = ByteBuffer.allocateDirect((int) Math.min(CHUNK, Math.max(entry.compressedSize(), 1)));
        CRC32 crc = new CRC32();
        Sink summed = chunk -> {
            crc.update(chunk.duplicate());
            sink.accept(chunk);
        };
        long size = entry.method() == ZipEntryRecord.STORED ? copy(in, summed) : inflate(in, summed);
        return new Content(size, crc.getValue());
    }

    /** Refuses content whose CRC-32 is not the one the archive gives for it (its size is the caller's check). */
    public Content check(Content content) throws FlashgateException {
        FlashgateException problem = crcProblem(content);
        if (problem != null) {
            throw problem;
        }
        return content;
    }

    /** What {@link #check(Content)} refuses content with, or {@code null}; for a caller with a verdict of its own to give first. */
    public FlashgateException crcProblem(Content content) {
        return content.size() == entry.size() && content.crc() != entry.crc()
                ? new FlashgateException(ErrorCode.PKG_CORRUPT, EntryNames.printable(entry.name()) + ": its data has CRC-32 "
                        + String.format("%08x", content.crc()) + ", the archive says " + String.format("%08x", entry.crc()))
                : null;
    }

    /** {@link #check(Content)} for bytes read whole with {@link #readAll}. */
    public void check(byte[] bytes) throws FlashgateException {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        check(new Content(bytes.length, crc.getValue()));
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
            long hidden = inflater.finished() ? inflater.getRemaining() + remaining : 0;
            if (hidden > 0) {
                throw new FlashgateException(ErrorCode.PKG_CORRUPT, EntryNames.printable(entry.name()) + ": " + hidden
                        + " bytes follow the end of its compressed data");
            }
            return produced;
        } catch (DataFormatException e) {
            throw new FlashgateException(ErrorCode.PKG_NOT_ZIP, entry.name() + ": corrupt compressed data", e);
        } finally {
            inflater.end();
        }
    }

    /**
     * The entry's bytes, refusing more than {@code max}; for small entries such as the manifest.
     * Their CRC-32 is left to the caller ({@link #check(byte[])}), which may have a more telling
     * verdict to give first.
     */
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
        }).size();
        if (n != entry.size()) {
            throw new FlashgateException(ErrorCode.PKG_NOT_ZIP, entry.name() + ": holds " + n
                    + " bytes but the archive says " + entry.size());
        }
        return out.toByteArray();
    }
}
