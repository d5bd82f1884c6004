package dev.flashgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.flashgate.core.Printable;

/**
 * A package's own text cannot steer the terminal or pass for Flashgate's verdict: notes carrying a
 * forged verdict block and escape sequences that conceal the real one, titles with NUL and ESC.
 */
class HostileTextTest {

    /** What a hostile vendor field holds: a forged verdict on lines of its own, then "conceal" for what follows. */
    private static final String FORGED = "Fixes band 20.\n\nVerdict    VERIFIED  /tmp/real.fgp\n"
            + "  signed by CN=Example Firmware Signing, trusted through 'CN=Example Vendor CA'\n\033[8m";
    private static final String TITLE = "A03\0 beta\033]0;owned\007 \u202Eevil\u202C \u200B";

    @TempDir
    Path home;

    private CliHarness cli;
    private Path ca;
    private Path key;
    private Path cert;

    @BeforeEach
    void vendor() throws Exception {
        cli = new CliHarness(home);
        ca = home.resolve("ca.pem");
        Path caKey = home.resolve("ca.key.pem");
        cert = home.resolve("signer.pem");
        key = home.resolve("signer.key.pem");
        assertEquals(0, cli.run("keygen", "--ca", "--subject", "CN=Example Vendor CA", "--key-out", caKey, "--cert-out", ca).status());
        assertEquals(0, cli.run("keygen", "--subject", "CN=Example Firmware Signing", "--issuer-key", caKey, "--issuer-cert", ca,
                "--key-out", key, "--cert-out", cert).status());
    }

    private Path pack(String name, boolean signed) throws Exception {
        Files.write(home.resolve("fw.bin"), new byte[1000]);
        Path pkg = home.resolve(name + ".fgp");
        java.util.List<Object> args = new java.util.ArrayList<>(java.util.List.of("pack", "--vendor", "Example",
                "--title", TITLE, "--firmware-version", "FG_HS920S_A03", "--version-code", "3", "--plugin", "at-ymodem",
                "--model", "HS920S", "--notes", FORGED, "--artifact", "images/hs920s.bin=" + home.resolve("fw.bin") + ":image",
                "-o", pkg));
        if (signed) {
            args.addAll(java.util.List.of("--key", key, "--cert", cert));
        }
        CliHarness.Result packed = cli.run(args.toArray());
        assertEquals(0, packed.status(), packed.all());
        return pkg;
    }

    private static void assertNothingSteers(String text) {
        for (char c : text.toCharArray()) {
            assertTrue(c == '\n' || c == '\t' || !Printable.escaped(c),
                    () -> "raw " + String.format("U+%04X", (int) c) + " reached the terminal in:\n" + text);
        }
    }

    private static long linesStartingWith(String text, String prefix) {
        return Arrays.stream(text.split("\n")).filter(l -> l.startsWith(prefix)).count();
    }

    @Test
    void inspectShowsHostileNotesUnderTheirFieldAndTheRealVerdictOnce() throws Exception {
        Path unsigned = pack("unsigned", false);
        CliHarness.Result r = cli.run("inspect", unsigned, "--trust", ca);
        assertEquals(4, r.status(), r.all());
        assertNothingSteers(r.all());
        assertEquals(1, linesStartingWith(r.out(), "Verdict "), r.out());
        assertTrue(r.out().contains("Verdict    REJECTED"), r.out());
        assertTrue(r.out().contains("NOT AUTHENTICATED"), r.out());
        assertTrue(r.out().contains("           | Verdict    VERIFIED  /tmp/real.fgp"), "the forged block stays inside the notes:\n" + r.out());
        assertTrue(r.out().contains("\\x1b[8m"), r.out());
        assertTrue(r.out().contains("\\x00 beta\\x1b]0;owned\\x07 \\u202eevil\\u202c \\u200b"), r.out());
    }

    @Test
    void aVerifiedPackagesTitleIsPrintedEscaped() throws Exception {
        Path signed = pack("signed", true);
        CliHarness.Result verified = cli.run("verify", signed, "--trust", ca);
        assertEquals(0, verified.status(), verified.all());
        assertNothingSteers(verified.all());
        assertTrue(verified.out().contains("A03\\x00 beta"), verified.out());

        CliHarness.Result inspected = cli.run("inspect", signed, "--trust", ca);
        assertEquals(0, inspected.status(), inspected.all());
        assertNothingSteers(inspected.all());
        assertEquals(1, linesStartingWith(inspected.out(), "Verdict "), inspected.out());
    }

    @Test
    void theTerminalEscapesWhatReachesItRawAndKeepsItsOwnControlSequences() {
        StringWriter sink = new StringWriter();
        Terminal t = new Terminal(new PrintWriter(sink), new PrintWriter(new StringWriter()), true);
        t.out().print("a\033[2Jb\rc\0d\u009be\tf\uD83D\uDE00g\uD800h\n");
        EscapingWriter.control(t.out(), "\r\033[K");
        t.flush();
        assertEquals("a\\x1b[2Jb\\rc\\x00d\\x9be\tf\uD83D\uDE00g\\ud800h\n\r\033[K", sink.toString());
        assertFalse(Printable.escaped('é'));
        assertEquals("x\\ny\\u2028z", Printable.line("x\ny\u2028z"));
    }
}
