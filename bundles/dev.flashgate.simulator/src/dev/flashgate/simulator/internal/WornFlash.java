package dev.flashgate.simulator.internal;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Storage that flips one bit of the first byte it is given: the {@code corrupt-write} fault. */
final class WornFlash extends FilterOutputStream {

    private boolean flipped;

    WornFlash(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        out.write(flipped ? b : b ^ 1);
        flipped = true;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (!flipped && len > 0) {
            write(b[off]);
            off++;
            len--;
        }
        out.write(b, off, len);
    }
}
