package dev.flashgate.core;

/** EventAdmin topics Flashgate posts; properties are named by the {@code KEY_} constants. */
public final class Topics {
    public static final String PREFIX = "dev/flashgate/";
    /** A package verification finished; properties {@link #KEY_PACKAGE}, {@link #KEY_CODE}. */
    public static final String PACKAGE_VERIFIED = PREFIX + "package/VERIFIED";
    public static final String PACKAGE_REJECTED = PREFIX + "package/REJECTED";
    public static final String PACKAGE_ALL = PREFIX + "package/*";

    public static final String KEY_PACKAGE = "package";
    public static final String KEY_CODE = "code";
    public static final String KEY_DETAIL = "detail";

    private Topics() {
    }
}
