package dev.flashgate.upgrade.internal;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.annotations.Component;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.upgrade.UpgradePlugin;

/**
 * Which plugin bundles running sessions use, so a bundle is only taken away when no session runs
 * one of its plugins, and no session picks a plugin of a bundle being taken away.
 */
@Component(service = PluginLeases.class)
public final class PluginLeases {

    private final Map<Long, Integer> inUse = new HashMap<>();
    private final Set<Long> retiring = new HashSet<>();

    /** Takes a lease on the plugin's bundle for a session; {@code null} when the plugin comes from no bundle. */
    synchronized Bundle acquire(UpgradePlugin plugin) throws FlashgateException {
        Bundle bundle = FrameworkUtil.getBundle(plugin.getClass());
        if (bundle == null) {
            return null;
        }
        if (retiring.contains(bundle.getBundleId())) {
            throw new FlashgateException(ErrorCode.NO_PLUGIN, "plugin " + plugin.info().id() + " is being removed or replaced");
        }
        inUse.merge(bundle.getBundleId(), 1, Integer::sum);
        return bundle;
    }

    synchronized void release(Bundle bundle) {
        if (bundle != null) {
            inUse.computeIfPresent(bundle.getBundleId(), (id, n) -> n > 1 ? n - 1 : null);
        }
    }

    /** Marks the bundle as leaving: no new session may use it; refused while a session does. */
    synchronized void retire(Bundle bundle) throws FlashgateException {
        Integer sessions = inUse.get(bundle.getBundleId());
        if (sessions != null) {
            throw new FlashgateException(ErrorCode.PLUGIN_IN_USE, bundle.getSymbolicName() + " runs " + sessions
                    + (sessions == 1 ? " session" : " sessions") + " now");
        }
        retiring.add(bundle.getBundleId());
    }

    /** The bundle stays (or is gone): forget it was leaving. */
    synchronized void settle(Bundle bundle) {
        retiring.remove(bundle.getBundleId());
    }
}
