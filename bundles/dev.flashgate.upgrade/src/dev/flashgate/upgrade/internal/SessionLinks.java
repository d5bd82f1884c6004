package dev.flashgate.upgrade.internal;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;
import dev.flashgate.core.device.SerialLinks;

/** The links one session has open, and how long ago a byte last moved on any of them. */
final class SessionLinks implements WatchedLink.Watcher {

    private final Set<WatchedLink> open = ConcurrentHashMap.newKeySet();
    private volatile long lastActivity = System.nanoTime();

    SerialLink open(SerialLinks links, String path) throws FlashgateException {
        WatchedLink link = new WatchedLink(links.open(path), this);
        touch();
        open.add(link);
        return link;
    }

    /** Something happened that shows the device is alive (progress reported). */
    void touch() {
        lastActivity = System.nanoTime();
    }

    /** True when a link is open and nothing moved on it for longer than {@code limit}. */
    boolean idle(long now, Duration limit) {
        return !open.isEmpty() && now - lastActivity > limit.toNanos();
    }

    void closeAll() {
        for (WatchedLink link : List.copyOf(open)) {
            link.close();
        }
    }

    @Override
    public void moved() {
        touch();
    }

    @Override
    public void closed(WatchedLink link) {
        open.remove(link);
    }
}
