package dev.flashgate.device.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.device.Identity;
import dev.flashgate.device.AtChannel;
import dev.flashgate.device.AtResponse;
import dev.flashgate.device.MemoryLink;

/** Probing AT identity through the untidiness of real serial lines. */
class IdentityProberTest {

    private static final String ZTE_ATI = "\r\nManufacturer: ZTE CORPORATION\r\nModel: MF833V\r\nRevision: BD_MF833VV1.0.0B06\r\n"
            + "IMEI: 866123456789012\r\n+GCAP: +CGSM,+DS,+ES\r\n\r\nOK\r\n";

    private final IdentityProber prober = new IdentityProber(Duration.ofMillis(300), Duration.ofMillis(500));

    @Test
    void aZteModemIdentifiesThroughEchoNoiseAndUnsolicitedCodes() throws Exception {
        MemoryLink[] line = MemoryLink.pair("ttyUSB2");
        byte[] noise = {0, (byte) 0xff, '\r', '\n', '+', 'C', 'R', 'E', 'G', ':', ' ', '1', '\r', '\n', 'R', 'I', 'N', 'G', '\r', '\n'};
        ScriptedModem.start(new ScriptedModem(line[1], Map.of("AT", "\r\nOK\r\n", "ATI", ZTE_ATI), true, noise));
        Identity id = prober.probe(line[0]);
        assertEquals(new Identity("ZTE CORPORATION", "MF833V", "BD_MF833VV1.0.0B06", "866123456789012"), id);
    }

    @Test
    void whatAtiLeavesOutComesFromCgsnAndCgmr() throws Exception {
        MemoryLink[] line = MemoryLink.pair("ttyACM0");
        ScriptedModem.start(new ScriptedModem(line[1], Map.of("AT", "\r\nOK\r\n", "ATI", "\r\nQuectel\r\nEC25\r\n\r\nOK\r\n",
                "AT+CGSN", "\r\n+CGSN: 866123456789013\r\n\r\nOK\r\n", "AT+CGMR", "\r\n+CGMR: EC25EFAR06A08M4G\r\n\r\nOK\r\n"),
                false, new byte[0]));
        Identity id = prober.probe(line[0]);
        assertEquals("866123456789013", id.imei());
        assertEquals("EC25EFAR06A08M4G", id.revision());
        assertNull(id.model());
    }

    @Test
    void aSilentPortIsNotAModemAndTheProbeEndsQuickly() {
        MemoryLink[] line = MemoryLink.pair("ttyS0");
        long start = System.nanoTime();
        assertThrows(IdentityProber.NotAModem.class, () -> prober.probe(line[0]));
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos());
    }

    @Test
    void aPortSpewingGarbageIsNotAModem() {
        MemoryLink[] line = MemoryLink.pair("ttyUSB9");
        Random random = new Random(3);
        ScriptedModem.start(new ScriptedModem(line[1], command -> {
            byte[] junk = new byte[200];
            random.nextBytes(junk);
            return new String(junk, java.nio.charset.StandardCharsets.ISO_8859_1).replace("OK", "0K");
        }, false, new byte[0]));
        assertThrows(IdentityProber.NotAModem.class, () -> prober.probe(line[0]));
    }

    @Test
    void aPortThatVanishesMidProbeIsGone() {
        MemoryLink[] line = MemoryLink.pair("ttyUSB3");
        ScriptedModem.start(new ScriptedModem(line[1], command -> {
            if (command.equals("ATI")) {
                line[1].close();
                return null;
            }
            return "\r\nOK\r\n";
        }, false, new byte[0]));
        FlashgateException e = assertThrows(FlashgateException.class, () -> prober.probe(line[0]));
        assertEquals(ErrorCode.DEVICE_GONE, e.code());
    }

    @Test
    void errorsAndCmeErrorsAreFinalResults() throws Exception {
        MemoryLink[] line = MemoryLink.pair("ttyUSB4");
        ScriptedModem.start(new ScriptedModem(line[1], Map.of("AT+FGUPL=999999999", "\r\n+CME ERROR: 28\r\n"), false, new byte[0]));
        AtResponse r = new AtChannel(line[0]).command("AT+FGUPL=999999999", Duration.ofSeconds(1));
        assertEquals("+CME ERROR: 28", r.result());
        assertTrue(r.lines().isEmpty());
    }

    @Test
    void imeiNeedsFifteenDigits() {
        assertEquals("866123456789012", IdentityProber.imei("IMEI: 866123456789012"));
        assertNull(IdentityProber.imei("IMEI: 86612345678901"));
        assertNull(IdentityProber.imei("IMEI: 8661234567890123"));
    }
}
