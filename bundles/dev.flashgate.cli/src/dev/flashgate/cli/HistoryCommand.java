package dev.flashgate.cli;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import dev.flashgate.core.ErrorCode;
import dev.flashgate.core.FlashgateException;
import dev.flashgate.core.session.SessionJournal;
import dev.flashgate.core.session.SessionRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flashgate history}: the journal of update sessions, per device, as text, JSON or CSV. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Show journaled update sessions, newest first; interrupted ones show the state they reached.")
final class HistoryCommand implements Callable<Integer> {

    @Option(names = "--device", paramLabel = "IMEI", description = "Only sessions of this device.")
    String imei;

    @Option(names = "--session", paramLabel = "ID", description = "One session with all its transitions.")
    String session;

    @Option(names = "--limit", paramLabel = "N", description = "At most N sessions (default: ${DEFAULT-VALUE}).")
    int limit = 100;

    @Option(names = "--json", description = "Print as JSON.")
    boolean json;

    @Option(names = "--csv", paramLabel = "FILE", description = "Export the sessions as CSV to FILE ('-' for standard output).")
    String csv;

    private final Services services;

    HistoryCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() throws FlashgateException, IOException {
        SessionJournal journal = services.journal().get();
        Terminal t = services.terminal();
        if (session != null) {
            SessionRecord r = journal.session(session)
                    .orElseThrow(() -> new FlashgateException(ErrorCode.USAGE, "no session " + session + " in the journal"));
            if (json) {
                ObjectNode node = SessionText.json(r, null);
                SessionText.json(r, journal.transitions(r.id()), node.putArray("transitions"));
                t.out().println(ReportJson.text(node));
            } else {
                SessionText.details(t.out(), r, journal.transitions(r.id()));
            }
            return 0;
        }
        List<SessionRecord> sessions = journal.sessions(imei, limit);
        if (csv != null) {
            exportCsv(sessions, t);
        } else if (json) {
            ArrayNode list = ReportJson.MAPPER.createArrayNode();
            sessions.forEach(r -> list.add(SessionText.json(r, null)));
            t.out().println(ReportJson.text(list));
        } else {
            SessionText.table(t.out(), sessions);
        }
        return 0;
    }

    /** Written next to the target and moved into place, so a failed export leaves no partial file. */
    private void exportCsv(List<SessionRecord> sessions, Terminal t) throws IOException {
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
        for (String column : SessionText.COLUMNS) {
            schema.addColumn(column);
        }
        CsvMapper mapper = CsvMapper.builder().enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING).build();
        if (csv.equals("-")) {
            write(mapper, schema.build(), sessions, t.out());
            t.out().flush();
            return;
        }
        Path target = Path.of(csv).toAbsolutePath();
        OutputFiles.replace(target, tmp -> {
            try (Writer w = Files.newBufferedWriter(tmp)) {
                write(mapper, schema.build(), sessions, w);
            }
        });
        t.err().println(sessions.size() + " sessions written to " + target);
    }

    private static void write(CsvMapper mapper, CsvSchema schema, List<SessionRecord> sessions, Writer out) throws IOException {
        try (SequenceWriter w = mapper.writerFor(String[].class).with(schema).writeValues(out)) {
            for (SessionRecord r : sessions) {
                String[] row = SessionText.row(r);
                for (int i = 0; i < row.length; i++) {
                    row[i] = row[i] == null ? "" : row[i];
                }
                w.write(row);
            }
        }
    }
}
