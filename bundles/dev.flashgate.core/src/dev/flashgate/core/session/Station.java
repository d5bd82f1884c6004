package dev.flashgate.core.session;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The process that runs a session, written into the journal as {@code host:pid@startMillis}, so a
 * later process can tell whether a session without an outcome is still running or was cut off
 * (the start time tells a reused pid apart).
 */
public record Station(String host, long pid, long startMillis) {

    public Station {
        Objects.requireNonNull(host, "host");
    }

    /** This process. */
    public static Station current() {
        ProcessHandle self = ProcessHandle.current();
        return new Station(hostName(), self.pid(), self.info().startInstant().map(Instant::toEpochMilli).orElse(0L));
    }

    public static Optional<Station> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int at = text.lastIndexOf('@');
        int colon = text.lastIndexOf(':', at < 0 ? text.length() : at);
        if (at < 0 || colon < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Station(text.substring(0, colon), Long.parseLong(text.substring(colon + 1, at)),
                    Long.parseLong(text.substring(at + 1))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** True when this station is a process on this host that is still running. */
    public boolean isAliveHere() {
        if (!host.equals(hostName())) {
            return false;
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .map(p -> p.info().startInstant().map(Instant::toEpochMilli).orElse(0L) == startMillis).orElse(false);
    }

    public boolean isThisHost() {
        return host.equals(hostName());
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    @Override
    public String toString() {
        return host + ":" + pid + "@" + startMillis;
    }
}
