package dev.topiary.cli;

import dev.topiary.library.MemoryEstimate;
import dev.topiary.library.ModelEntry;
import dev.topiary.library.ModelLibrary;
import dev.topiary.evaluation.ModelSize;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code topiary models}: the models of models.cfg, the Hugging Face cache and the recent list. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List configured (models.cfg), cached (Hugging Face cache) and recently opened models. Invalid "
                + "models.cfg sections are skipped with a warning on stderr.")
final class ModelsCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print a JSON array.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ModelLibrary library = ModelLibrary.fromEnvironment(System.getenv());
        for (String warning : library.configWarnings()) {
            spec.commandLine().getErr().println("warning: " + warning);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ModelEntry entry : library.all()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", entry.name());
            row.put("origin", entry.origin().name().toLowerCase(Locale.ROOT));
            row.put("path", entry.path() == null ? null : entry.path().toString());
            row.put("repo", entry.repoId() == null ? null : entry.repoId() + "@" + entry.revision());
            row.put("local", entry.isLocal());
            row.put("bytes", entry.isLocal() ? ModelSize.fileBytes(entry.path()) : null);
            row.put("note", entry.note());
            rows.add(row);
        }
        if (json) {
            spec.commandLine().getOut().println(Json.write(rows));
            return 0;
        }
        var out = spec.commandLine().getOut();
        out.printf("%-24s %-10s %-10s %s%n", "name", "origin", "size", "source");
        for (Map<String, Object> row : rows) {
            String size = row.get("bytes") == null ? "-" : MemoryEstimate.format((Long) row.get("bytes"));
            String source = row.get("path") != null ? (String) row.get("path") : "hub " + row.get("repo")
                    + " (not downloaded)";
            out.printf("%-24s %-10s %-10s %s%n", row.get("name"), row.get("origin"), size, source);
        }
        out.println("cache: " + library.cache().root());
        return 0;
    }
}
