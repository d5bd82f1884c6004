package dev.flashgate.upgrade.internal;

import java.time.Duration;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;

/** A session's link: every byte that moves tells the session's watchdog the device is alive. */
final class WatchedLink implements SerialLink {

    /** Told of traffic; also told when the link is closed, so the session can forget it. */
    interface Watcher {
        void moved();

        void closed(WatchedLink link);
    }

    private final SerialLink link;
    private final Watcher watcher;

    WatchedLink(SerialLink link, Watcher watcher) {
        this.link = link;
        this.watcher = watcher;
    }

    @Override
    public String name() {
        return link.name();
    }

    @Override
    public int read(byte[] buffer, int offset, int length, Duration timeout) throws FlashgateException {
        int n = link.read(buffer, offset, length, timeout);
        if (n > 0) {
            watcher.moved();
        }
        return n;
    }

    @Override
    public void write(byte[] data, int offset, int length) throws FlashgateException {
        link.write(data, offset, length);
        watcher.moved();
    }

    @Override
    public void discardInput() throws FlashgateException {
        link.discardInput();
    }

    @Override
    public boolean isOpen() {
        return link.isOpen();
    }

    @Override
    public void close() {
        link.close();
        watcher.closed(this);
    }
}
