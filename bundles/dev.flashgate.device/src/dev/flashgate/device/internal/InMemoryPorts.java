package dev.flashgate.device.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.component.annotations.Component;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;
import dev.flashgate.device.ForwardingLink;
import dev.flashgate.device.MemoryLink;
import dev.flashgate.device.MemoryPorts;

/** The in-memory ports of this framework, by name. */
@Component(service = MemoryPorts.class)
public final class InMemoryPorts implements MemoryPorts {

    private final Map<String, Entry> ports = new LinkedHashMap<>();
    private final AtomicLong generations = new AtomicLong();

    private final class Entry {
        final MemoryLink host;
        final long generation = generations.incrementAndGet();
        boolean open;

        Entry(MemoryLink host) {
            this.host = host;
        }
    }

    @Override
    public synchronized SerialLink plug(String name) throws FlashgateException {
        if (ports.containsKey(name)) {
            throw new FlashgateException(ErrorCode.USAGE, "an in-memory port " + name + " is already plugged in");
        }
        MemoryLink[] pair = MemoryLink.pair(PREFIX + name);
        ports.put(name, new Entry(pair[0]));
        return new ForwardingLink(pair[1]) {
            @Override
            public void close() {
                unplug(name);
                super.close();
            }
        };
    }

    private synchronized void unplug(String name) {
        ports.remove(name);
    }

    @Override
    public synchronized List<Plugged> plugged() {
        List<Plugged> list = new ArrayList<>();
        ports.forEach((name, e) -> list.add(new Plugged(name, e.generation)));
        return list;
    }

    @Override
    public synchronized SerialLink open(String path) throws FlashgateException {
        String name = path.startsWith(PREFIX) ? path.substring(PREFIX.length()) : path;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        Entry e = ports.get(name);
        while (e != null && e.open && System.nanoTime() < deadline) {
            try {
                wait(50); // a discovery probe lets go within moments
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
                break;
            }
            e = ports.get(name);
        }
        if (e == null) {
            throw new FlashgateException(ErrorCode.DEVICE_GONE, path + " is not plugged in");
        }
        if (e.open) {
            throw new FlashgateException(ErrorCode.DEVICE_GONE, path + " is in use by another user");
        }
        Entry entry = e;
        e.open = true;
        return new ForwardingLink(entry.host) {
            private volatile boolean closed;

            @Override
            public String name() {
                return path;
            }

            @Override
            public boolean isOpen() {
                return !closed && super.isOpen();
            }

            @Override
            public void close() {
                // the line stays plugged in: only this user lets go of it
                synchronized (InMemoryPorts.this) {
                    closed = true;
                    entry.open = false;
                    InMemoryPorts.this.notifyAll();
                }
            }
        };
    }
}
