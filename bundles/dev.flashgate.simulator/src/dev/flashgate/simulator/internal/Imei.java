package dev.flashgate.simulator.internal;

/** IMEIs for simulated devices: a fixed TAC per model, a serial-derived number, a Luhn check digit. */
final class Imei {

    private Imei() {
    }

    static String forSerial(String tac, String serial) {
        long n = Integer.toUnsignedLong(serial.hashCode()) % 1_000_000L;
        String body = tac + String.format("%06d", n);
        return body + luhn(body);
    }

    static int luhn(String digits) {
        int sum = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = digits.charAt(digits.length() - 1 - i) - '0';
            if (i % 2 == 0) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
        }
        return (10 - sum % 10) % 10;
    }
}
