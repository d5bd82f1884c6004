package dev.flashgate.device;

import java.time.Duration;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;

/** A link that passes everything to another; subclasses change what they need (faults, ownership). */
public abstract class ForwardingLink implements SerialLink {

    protected final SerialLink delegate;

    protected ForwardingLink(SerialLink delegate) {
        this.delegate = delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public int read(byte[] buffer, int offset, int length, Duration timeout) throws FlashgateException {
        return delegate.read(buffer, offset, length, timeout);
    }

    @Override
    public void write(byte[] data, int offset, int length) throws FlashgateException {
        delegate.write(data, offset, length);
    }

    @Override
    public void discardInput() throws FlashgateException {
        delegate.discardInput();
    }

    @Override
    public boolean isOpen() {
        return delegate.isOpen();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
