package dev.flashgate.upgrade;

import java.time.Instant;

import org.osgi.annotation.versioning.ConsumerType;

import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.Device;
import dev.flashgate.core.session.DeviceCondition;
import dev.flashgate.core.session.SessionState;

/**
 * One session's work on one device, step by step. The engine calls {@link #facts} (reads only)
 * for preflight, then {@link #prepare}, {@link #transfer}, {@link #verifyOnDevice} and {@link
 * #activate}; after a dropped link it may call {@code prepare} and {@code transfer} again, and a
 * job that can resume should. Steps report progress through the context and fail with a
 * {@link FlashgateException} whose code says what went wrong.
 */
@ConsumerType
public interface UpgradeJob extends AutoCloseable {

    /** What the engine needs to decide whether the package may go on the device; changes nothing. */
    DeviceFacts facts() throws FlashgateException;

    /** Bytes of device storage the package needs, to compare with {@link DeviceFacts#freeStorage()}. */
    long requiredStorage();

    /** Mode switch, storage checks, anything before data moves. */
    void prepare() throws FlashgateException;

    /** Moves the package's data to the device. */
    void transfer() throws FlashgateException;

    /** Has the device prove it holds exactly what was sent (a hash or a readback). */
    void verifyOnDevice() throws FlashgateException;

    /** Makes the device run the new firmware; returns once the device was told to reboot into it. */
    void activate() throws FlashgateException;

    /**
     * What the journal keeps of a successful session beyond its outcome, e.g. which parts were left
     * as they were because the device held the package's bytes there already; {@code null} for nothing.
     */
    default String note() {
        return null;
    }

    /**
     * What a failure in {@code state} left the device in, and what recovers it. Called after the
     * engine closed the job's links, so it must not need the device to answer.
     */
    DeviceCondition condition(SessionState state, FlashgateException failure);

    /**
     * Whether {@code device}, seen by discovery after {@code since}, is this session's device back
     * after a dropped link; the engine then retries from {@link #prepare}. By default the same
     * discovery id; a job whose device may return in another mode (e.g. emergency download) says so.
     */
    default boolean recognizes(Device device, String sessionDeviceId, Instant since) {
        return device.id().equals(sessionDeviceId) && device.lastSeen().isAfter(since);
    }

    /**
     * Called from another thread when the operator cancels: stop the protocol politely (e.g. send
     * the cancel sequence) so the running step ends soon. The engine closes the links a few seconds
     * later if the step has not ended by then.
     */
    default void cancel() {
    }

    @Override
    default void close() {
    }
}
