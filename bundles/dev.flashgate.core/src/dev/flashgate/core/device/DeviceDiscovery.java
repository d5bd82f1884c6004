package dev.flashgate.core.device;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Knows which physical devices are attached, identifies them, and follows them across
 * re-enumeration. Changes are posted as EventAdmin events ({@code dev/flashgate/device/*}).
 */
@ProviderType
public interface DeviceDiscovery {

    /** Every known device, present ones first. */
    List<Device> devices();

    Optional<Device> byImei(String imei);

    /** The device that currently has a port at {@code path}. */
    Optional<Device> byPort(String path);

    /** Watches an explicitly named port (a pty, or a port the OS does not enumerate). */
    void addPort(String path);

    void removePort(String path);

    /** Looks at every port now instead of at the next poll; returns when done. */
    void rescan();
}
