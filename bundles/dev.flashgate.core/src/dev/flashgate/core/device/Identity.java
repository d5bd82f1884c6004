package dev.flashgate.core.device;

/**
 * What a device says about itself over AT ({@code ATI}, {@code AT+CGSN}, {@code AT+CGMR}). Fields
 * the device did not report are {@code null}. The IMEI is what makes a device the same device
 * across re-enumerations, whatever port it comes back on.
 */
public record Identity(String manufacturer, String model, String revision, String imei) {

    public boolean hasImei() {
        return imei != null && !imei.isEmpty();
    }
}
