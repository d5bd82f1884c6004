package dev.flashgate.core;

/** EventAdmin topics Flashgate posts; properties are named by the {@code KEY_} constants. */
public final class Topics {
    public static final String PREFIX = "dev/flashgate/";
    /** A package verification finished; properties {@link #KEY_PACKAGE}, {@link #KEY_CODE}. */
    public static final String PACKAGE_VERIFIED = PREFIX + "package/VERIFIED";
    public static final String PACKAGE_REJECTED = PREFIX + "package/REJECTED";
    public static final String PACKAGE_ALL = PREFIX + "package/*";

    /** A device appeared (or came back); properties {@link #KEY_DEVICE}, {@link #KEY_IMEI}, {@link #KEY_MODEL}, {@link #KEY_PORTS}. */
    public static final String DEVICE_ADDED = PREFIX + "device/ADDED";
    /** A device changed: identified, re-enumerated on other ports, switched mode. */
    public static final String DEVICE_CHANGED = PREFIX + "device/CHANGED";
    /** A device went away; it is kept as gone for a grace period. */
    public static final String DEVICE_REMOVED = PREFIX + "device/REMOVED";
    public static final String DEVICE_ALL = PREFIX + "device/*";

    /**
     * A session entered a state: the topic ends in the {@code SessionState} name; properties
     * {@link #KEY_SESSION}, {@link #KEY_STATE}, {@link #KEY_DEVICE}, {@link #KEY_IMEI}, and for failures
     * {@link #KEY_CODE}, {@link #KEY_DETAIL}.
     */
    public static final String SESSION_PREFIX = PREFIX + "session/";
    /** Progress of a session's transfer, at most a few times a second: {@link #KEY_DONE}, {@link #KEY_TOTAL}. */
    public static final String SESSION_PROGRESS = SESSION_PREFIX + "PROGRESS";
    /** A line for the session's log: {@link #KEY_MESSAGE}. */
    public static final String SESSION_LOG = SESSION_PREFIX + "LOG";
    public static final String SESSION_ALL = SESSION_PREFIX + "*";

    /** A plugin bundle was installed, removed or refused: {@link #KEY_PLUGIN}, {@link #KEY_VERSION}, {@link #KEY_CODE}. */
    public static final String PLUGIN_INSTALLED = PREFIX + "plugin/INSTALLED";
    public static final String PLUGIN_REMOVED = PREFIX + "plugin/REMOVED";
    public static final String PLUGIN_REFUSED = PREFIX + "plugin/REFUSED";
    public static final String PLUGIN_ALL = PREFIX + "plugin/*";

    /** A device's entry on the station-mode board changed: {@link #KEY_DEVICE}, {@link #KEY_STATE} (the stage). */
    public static final String STATION_CHANGED = PREFIX + "station/CHANGED";
    /** A line of station mode's log (repository updates, sessions started and ended): {@link #KEY_MESSAGE}. */
    public static final String STATION_LOG = PREFIX + "station/LOG";
    public static final String STATION_ALL = PREFIX + "station/*";

    public static final String KEY_SESSION = "session";
    public static final String KEY_STATE = "state";
    public static final String KEY_DONE = "done";
    public static final String KEY_TOTAL = "total";
    public static final String KEY_MESSAGE = "message";
    public static final String KEY_PACKAGE = "package";
    public static final String KEY_DEVICE = "device";
    public static final String KEY_IMEI = "imei";
    public static final String KEY_MODEL = "model";
    public static final String KEY_PORTS = "ports";
    public static final String KEY_CODE = "code";
    public static final String KEY_DETAIL = "detail";
    public static final String KEY_PLUGIN = "plugin";
    public static final String KEY_VERSION = "version";

    private Topics() {
    }
}
