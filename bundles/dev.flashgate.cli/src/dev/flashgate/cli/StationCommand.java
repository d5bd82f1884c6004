package dev.flashgate.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.ArrayNode;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.Printable;
import dev.flashgate.station.BoardEntry;
import dev.flashgate.station.StationPolicy;
import dev.flashgate.station.StationRun;
import dev.flashgate.upgrade.UpdateSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flashgate station --policy FILE}: station mode on the command line, with its board as lines. */
@Command(name = "station", mixinStandardHelpOptions = true,
        description = "Update every device plugged in that the policy names, without a click, up to N at once; "
                + "prints each device's stage as it changes and the board at the end.")
final class StationCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    @Option(names = "--policy", required = true, paramLabel = "FILE", description = "The station policy (JSON).")
    Path policyFile;

    @Option(names = "--parallel", paramLabel = "N", description = "Sessions at once (overrides the policy).")
    Integer parallel;

    @Option(names = "--until-idle", paramLabel = "SECONDS",
            description = "Stop once every device is settled and nothing changed for this long (default: run until interrupted).")
    Integer untilIdle;

    @Option(names = "--json", description = "Print the final board as JSON.")
    boolean json;

    private final Services services;

    StationCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() throws Exception {
        StationPolicy policy = services.station().get().readPolicy(policyFile);
        if (parallel != null) {
            if (parallel < 1 || parallel > 64) {
                throw new FlashgateException(ErrorCode.USAGE, "--parallel is 1 to 64");
            }
            policy = policy.withParallel(parallel);
        }
        Terminal t = services.terminal();
        CountDownLatch interrupted = new CountDownLatch(1);
        StationRun run = services.station().get().start(policy);
        // Ctrl-C: start nothing new and cancel what runs, so every device is left in a stated condition
        Thread hook = new Thread(() -> {
            interrupted.countDown();
            run.close();
            cancelRunning(run);
        }, "flashgate-station-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Map<String, String> shown = new HashMap<>();
        try (run) {
            t.out().printf("station mode: %d rule(s), %d at once%s%n", policy.rules().size(), policy.parallel(),
                    untilIdle == null ? "; Ctrl-C stops" : "");
            t.flush();
            LiveBoard live = t.interactive() ? new LiveBoard(t.err()) : null;
            while (true) {
                if (live != null) {
                    live.draw(run.board());
                } else {
                    print(run.board(), shown, t);
                }
                if (untilIdle != null && run.awaitIdle(Duration.ofSeconds(untilIdle), Duration.ofMillis(250))) {
                    break;
                }
                if (untilIdle == null && interrupted.await(250, TimeUnit.MILLISECONDS)) {
                    break;
                }
            }
            if (live != null) {
                live.draw(run.board());
            } else {
                print(run.board(), shown, t);
            }
            return summary(run.board(), t);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down
            }
        }
    }

    private void cancelRunning(StationRun run) {
        List<String> ids = run.board().stream().map(BoardEntry::sessionId).filter(id -> id != null).toList();
        List<UpdateSession> running = services.sessions().get().sessions().stream().filter(s -> ids.contains(s.id())).toList();
        running.forEach(UpdateSession::cancel);
        for (UpdateSession session : running) {
            try {
                session.await(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Prints every entry whose stage (or outcome) changed since last shown. */
    private static void print(List<BoardEntry> board, Map<String, String> shown, Terminal t) {
        for (BoardEntry e : board) {
            String key = e.stage() + "|" + e.code() + "|" + e.present();
            if (key.equals(shown.put(e.deviceId(), key))) {
                continue;
            }
            t.out().println(Printable.line(String.format("%s  %-26s %-8s %-16s %-10s %s",
                    LocalTime.ofInstant(e.since(), ZoneId.systemDefault()).format(TIME), e.port() == null ? "-" : e.port(),
                    e.model() == null ? "?" : e.model(), e.imei() == null ? "-" : e.imei(), e.stage(), describe(e))));
        }
        t.flush();
    }

    /** On a terminal: the whole board redrawn in place, one line per port, progress included. */
    private static final class LiveBoard {
        private final PrintWriter err;
        private int drawn;

        LiveBoard(PrintWriter err) {
            this.err = err;
        }

        void draw(List<BoardEntry> board) {
            if (drawn > 0) {
                EscapingWriter.control(err, "\033[" + drawn + "F"); // back to the board's first line
            }
            line(String.format("%-24s %-8s %-16s %-18s %-11s %5s  %s", "PORT", "MODEL", "IMEI", "REVISION", "STAGE", "", "PACKAGE / OUTCOME"));
            for (BoardEntry e : board) {
                String line = String.format("%-24s %-8s %-16s %-18s %-11s %5s  %s", e.port() == null ? "-" : e.port(),
                        e.model() == null ? "?" : e.model(), e.imei() == null ? "-" : e.imei(),
                        e.revision() == null ? "" : e.revision(), e.stage(),
                        e.stage() == BoardEntry.Stage.UPDATING ? Math.round(e.fraction() * 100) + "%" : "", describe(e));
                line(line.length() > 160 ? line.substring(0, 159) + "~" : line);
            }
            drawn = board.size() + 1;
            err.flush();
        }

        /** One line of the board, the rest of the old one cleared. */
        private void line(String text) {
            err.print(Printable.line(text));
            EscapingWriter.control(err, "\033[K" + System.lineSeparator());
        }
    }

    private static String describe(BoardEntry e) {
        StringBuilder s = new StringBuilder();
        if (e.packageName() != null) {
            s.append(e.packageName()).append(' ');
        }
        if (e.code() != null) {
            s.append(e.code()).append(": ");
        }
        if (e.detail() != null) {
            s.append(e.detail());
        }
        if (!e.present()) {
            s.append(" (unplugged)");
        }
        return s.toString().strip();
    }

    private int summary(List<BoardEntry> board, Terminal t) {
        if (json) {
            ArrayNode out = ReportJson.MAPPER.createArrayNode();
            for (BoardEntry e : board) {
                out.addObject().put("device", e.deviceId()).put("imei", e.imei()).put("model", e.model()).put("port", e.port())
                        .put("revision", e.revision()).put("stage", e.stage().name()).put("package", e.packageName())
                        .put("version", e.version()).put("session", e.sessionId())
                        .put("code", e.code() == null ? null : e.code().name()).put("detail", e.detail());
            }
            t.out().println(ReportJson.text(out));
        }
        Map<BoardEntry.Stage, Long> counts = new java.util.EnumMap<>(BoardEntry.Stage.class);
        board.forEach(e -> counts.merge(e.stage(), 1L, Long::sum));
        t.err().println("board: " + counts);
        return board.stream().filter(e -> e.stage() == BoardEntry.Stage.FAILED).findFirst()
                .map(e -> e.code() == null ? ErrorCode.INTERNAL.exitStatus() : e.code().exitStatus()).orElse(0);
    }
}
