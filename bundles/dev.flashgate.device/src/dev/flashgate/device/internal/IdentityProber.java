package dev.flashgate.device.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.Identity;
import dev.flashgate.core.device.SerialLink;
import dev.flashgate.device.AtChannel;
import dev.flashgate.device.AtResponse;

/**
 * Asks a port who it is: one polite {@code AT} first (a port that does not answer it is not a
 * modem and is left alone), then {@code ATI}, {@code AT+CGSN} and {@code AT+CGMR}, each with a
 * short timeout. ZTE-style {@code ATI} lines give manufacturer, model, revision and IMEI; the
 * other two commands fill what {@code ATI} left out.
 */
final class IdentityProber {

    /** The port answered, but not as a modem: not worth asking again until it re-enumerates. */
    static final class NotAModem extends Exception {
        private static final long serialVersionUID = 1L;

        NotAModem(String why) {
            super(why);
        }
    }

    private static final Pattern IMEI = Pattern.compile("(?<!\\d)(\\d{15})(?!\\d)");

    private final Duration politeTimeout;
    private final Duration commandTimeout;

    IdentityProber(Duration politeTimeout, Duration commandTimeout) {
        this.politeTimeout = politeTimeout;
        this.commandTimeout = commandTimeout;
    }

    Identity probe(SerialLink link) throws FlashgateException, NotAModem {
        AtChannel at = new AtChannel(link);
        try {
            if (!at.command("AT", politeTimeout).ok()) {
                throw new NotAModem("answered AT without OK");
            }
        } catch (FlashgateException e) {
            if (e.code() == ErrorCode.DEVICE_STALLED) {
                throw new NotAModem("no answer to AT");
            }
            throw e;
        }
        AtResponse ati = optional(at, "ATI");
        String manufacturer = ati == null ? null : ati.value("Manufacturer:");
        String model = ati == null ? null : ati.value("Model:");
        String revision = ati == null ? null : ati.value("Revision:");
        String imei = ati == null ? null : imei(ati.value("IMEI:"));
        if (imei == null) {
            AtResponse cgsn = optional(at, "AT+CGSN");
            imei = cgsn == null ? null : cgsn.lines().stream().map(IdentityProber::imei)
                    .filter(Objects::nonNull).findFirst().orElse(null);
        }
        if (revision == null) {
            AtResponse cgmr = optional(at, "AT+CGMR");
            if (cgmr != null && !cgmr.lines().isEmpty()) {
                String first = cgmr.lines().get(0);
                revision = first.startsWith("+CGMR:") ? first.substring(6).trim() : first;
            }
        }
        return new Identity(manufacturer, model, revision, imei);
    }

    /** A command whose failure (ERROR, or no answer) just means the device does not support it. */
    private AtResponse optional(AtChannel at, String command) throws FlashgateException {
        try {
            AtResponse r = at.command(command, commandTimeout);
            return r.ok() ? r : null;
        } catch (FlashgateException e) {
            if (e.code() == ErrorCode.DEVICE_STALLED) {
                return null;
            }
            throw e;
        }
    }

    static String imei(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = IMEI.matcher(text);
        return m.find() ? m.group(1) : null;
    }
}
