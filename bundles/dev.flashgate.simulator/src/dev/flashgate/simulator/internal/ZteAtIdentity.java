package dev.flashgate.simulator.internal;

import dev.flashgate.simulator.internal.AtResponder.Reply;

/**
 * The identity commands every simulated ZTE device answers alike: {@code ATI}, {@code AT+CGSN},
 * {@code AT+CGMR} and their 3GPP twins, and {@code AT+COPS?}, which shows no network when the
 * running firmware was built for another model.
 */
final class ZteAtIdentity {

    private ZteAtIdentity() {
    }

    /**
     * The reply to an identity command, or {@code null} when {@code command} is none. A device
     * whose IMEI is lost ({@code imei} null) shows an empty one, refuses {@code AT+CGSN} and finds
     * no network.
     */
    static Reply reply(String command, String model, String revision, String imei, String firmwareModel) {
        return switch (command) {
            case "AT" -> Reply.ok();
            case "ATI" -> Reply.ok("Manufacturer: ZTE CORPORATION", "Model: " + model, "Revision: " + revision,
                    "IMEI: " + (imei == null ? "" : imei), "+GCAP: +CGSM,+DS,+ES");
            case "AT+CGSN", "AT+GSN" -> imei == null ? Reply.error() : Reply.ok(imei);
            case "AT+CGMR", "AT+GMR" -> Reply.ok(revision);
            case "AT+CGMI", "AT+GMI" -> Reply.ok("ZTE CORPORATION");
            case "AT+CGMM", "AT+GMM" -> Reply.ok(model);
            case "AT+COPS?" -> Reply.ok(imei != null && model.equals(firmwareModel) ? "+COPS: 0,0,\"Flashgate Sim\",7" : "+COPS: 0");
            default -> null;
        };
    }
}
