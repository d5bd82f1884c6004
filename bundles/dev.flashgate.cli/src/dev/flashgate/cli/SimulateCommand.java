package dev.flashgate.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.simulator.Faults;
import dev.flashgate.simulator.SimulatedDevice;
import dev.flashgate.simulator.Simulators;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flashgate simulate}: simulated devices in the foreground, their ports printed for other tools. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = {"Run simulated devices on ptys until interrupted (Ctrl-C).",
            "Their ports appear as by-id links under FLASHGATE_HOME/sim/by-id, where 'flashgate devices' finds them."})
final class SimulateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Model to simulate: HS920S (A/B hotspot) or MF833S (MDM9x07 modem).")
    String model;

    @Option(names = "--count", defaultValue = "1", description = "How many devices (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--serial", defaultValue = "SIM", paramLabel = "PREFIX",
            description = "USB serial prefix; devices get PREFIX0001, PREFIX0002, ... (default ${DEFAULT-VALUE}).")
    String serialPrefix;

    @Option(names = "--fault", paramLabel = "FAULT", description = {"A fault the devices will have (repeatable): drop-after=N,",
        "stall-after=N, stall-ms=T, nak-next, storage-full, power-loss-after=N, corrupt-write",
        "(N: bytes received)."})
    List<String> faults = new ArrayList<>();

    @Option(names = "--programmer-sha256", paramLabel = "HEX", description = {"SHA-256 of a Firehose programmer the simulated",
        "modems' boot ROM accepts besides the demo one (repeatable): build modem packages with your own programmer."})
    List<String> programmers = new ArrayList<>();

    private final Services services;

    SimulateCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() throws Exception {
        if (count < 1 || count > 64) {
            throw new FlashgateException(ErrorCode.USAGE, "--count must be 1 to 64");
        }
        Faults injected;
        try {
            injected = Faults.parse(faults);
        } catch (IllegalArgumentException e) {
            throw new FlashgateException(ErrorCode.USAGE, e.getMessage());
        }
        Set<String> signed = new LinkedHashSet<>();
        for (String hex : programmers) {
            String digest = hex.trim().toLowerCase(Locale.ROOT);
            if (!digest.matches("[0-9a-f]{64}")) {
                throw new FlashgateException(ErrorCode.USAGE, "--programmer-sha256 takes 64 hex digits, not '" + hex + "'");
            }
            signed.add(digest);
        }
        Simulators simulators = services.simulators().get();
        List<SimulatedDevice> started = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            started.add(simulators.start(model, String.format("%s%04d", serialPrefix, i), injected, signed));
        }
        Terminal t = services.terminal();
        for (SimulatedDevice d : started) {
            t.out().printf("%s  IMEI %s  %s  %s%n    %s%n", d.model(), d.imei(), d.revision(), String.join(" ", d.hostPorts()),
                    d.condition());
        }
        t.out().println("simulating; press Ctrl-C to unplug them");
        t.out().flush();
        new CountDownLatch(1).await();
        return 0;
    }
}
