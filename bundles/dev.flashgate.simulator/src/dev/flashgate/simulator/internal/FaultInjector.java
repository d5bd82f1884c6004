package dev.flashgate.simulator.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.SerialLink;
import dev.flashgate.device.ForwardingLink;
import dev.flashgate.simulator.Faults;

/**
 * Applies a device's {@link Faults}: counts what the device receives on all its ports, stalls or
 * cuts the line at the set byte counts (each fault fires once), and lets the device refuse its
 * next command or store its next image wrongly.
 */
final class FaultInjector {

    /** What the device does when its line is cut or its power fails. */
    interface Cut {
        void cut(boolean powerLoss);
    }

    private volatile Faults faults;
    private final Cut cut;
    private final AtomicLong received = new AtomicLong();
    private final AtomicBoolean stalled = new AtomicBoolean();
    private final AtomicBoolean dropped = new AtomicBoolean();
    private final AtomicBoolean powerLost = new AtomicBoolean();
    private final AtomicBoolean nakPending = new AtomicBoolean();
    private final AtomicBoolean corruptPending = new AtomicBoolean();

    FaultInjector(Faults faults, Cut cut) {
        this.cut = cut;
        arm(faults);
    }

    /** Replaces the faults; byte counts start again from zero, so thresholds count from now. */
    synchronized void arm(Faults next) {
        received.set(0);
        stalled.set(false);
        dropped.set(false);
        powerLost.set(false);
        nakPending.set(next.nakNext());
        corruptPending.set(next.corruptWrite());
        faults = next;
    }

    Faults faults() {
        return faults;
    }

    /** True once: the command now being handled is to be refused. */
    boolean refuseThisCommand() {
        return nakPending.getAndSet(false);
    }

    /** True once: the image now being stored is to be stored with a flipped byte. */
    boolean corruptThisWrite() {
        return corruptPending.getAndSet(false);
    }

    private void afterReceiving(int n) throws FlashgateException {
        Faults faults = this.faults;
        long total = received.addAndGet(n);
        if (faults.dropAfterBytes() >= 0 && total >= faults.dropAfterBytes() && dropped.compareAndSet(false, true)) {
            cut.cut(false);
            throw new FlashgateException(ErrorCode.DEVICE_GONE, "fault: line dropped after " + total + " bytes");
        }
        if (faults.powerLossAfterBytes() >= 0 && total >= faults.powerLossAfterBytes() && powerLost.compareAndSet(false, true)) {
            cut.cut(true);
            throw new FlashgateException(ErrorCode.DEVICE_GONE, "fault: power lost after " + total + " bytes");
        }
        if (faults.stallAfterBytes() >= 0 && total >= faults.stallAfterBytes() && stalled.compareAndSet(false, true)) {
            try {
                Thread.sleep(faults.stallMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** True once, when a power-loss fault is set: the operation now running loses power. */
    boolean losePowerNow() {
        return faults.powerLossAfterBytes() >= 0 && powerLost.compareAndSet(false, true);
    }

    SerialLink wrap(SerialLink link) {
        return new ForwardingLink(link) {
            @Override
            public int read(byte[] buffer, int offset, int length, Duration timeout) throws FlashgateException {
                int n = super.read(buffer, offset, length, timeout);
                if (n > 0) {
                    afterReceiving(n);
                }
                return n;
            }

            /** In bulk from the link unless a fault counts the bytes as they come. */
            @Override
            public boolean readFully(byte[] buffer, int offset, int length, Duration timeout) throws FlashgateException {
                Faults f = faults();
                if (f.dropAfterBytes() >= 0 || f.stallAfterBytes() >= 0 || f.powerLossAfterBytes() >= 0) {
                    return super.readFully(buffer, offset, length, timeout);
                }
                return delegate.readFully(buffer, offset, length, timeout);
            }
        };
    }
}
