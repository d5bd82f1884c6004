package dev.flashgate.core.device;

import org.osgi.annotation.versioning.ProviderType;

import dev.flashgate.core.FlashgateException;

/** Opens serial links by path: real ports, ptys, by-id links. */
@ProviderType
public interface SerialLinks {

    /** Opens the port at {@code path} raw (8N1, no flow control); {@code DEVICE_GONE} if it is not there. */
    SerialLink open(String path) throws FlashgateException;
}
