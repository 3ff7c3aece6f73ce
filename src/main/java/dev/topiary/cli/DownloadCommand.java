package dev.topiary.cli;

import dev.topiary.library.HubDownloader;
import dev.topiary.library.MemoryEstimate;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code topiary download}: fetch a model from the Hugging Face Hub into the local cache. */
@Command(name = "download", mixinStandardHelpOptions = true,
        description = "Download a model's config, tokenizer and safetensors files from the Hugging Face Hub "
                + "(HF_ENDPOINT) into the Hugging Face cache, resuming interrupted files. Gated models need HF_TOKEN.")
final class DownloadCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "REPO_ID", description = "The repo, for example Qwen/Qwen2.5-0.5B.")
    String repoId;

    @Option(names = "--revision", defaultValue = "main", description = "Branch, tag or commit (default: ${DEFAULT-VALUE}).")
    String revision;

    @Option(names = "--json",
            description = "Print one JSON object with the repo, the revision and the snapshot folder.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        HubDownloader downloader = HubDownloader.fromEnvironment(System.getenv());
        Path snapshot;
        try (ProgressLine progress = new ProgressLine(err)) {
            snapshot = downloader.download(repoId, revision, (file, done, total, speed) -> {
                String amount = MemoryEstimate.format(done) + (total >= 0 ? " / " + MemoryEstimate.format(total) : "");
                int percent = total > 0 ? (int) (100 * done / total) : 0;
                String bar = "#".repeat(percent / 10) + ".".repeat(10 - percent / 10);
                progress.draw(String.format(Locale.ROOT, "%-24s [%s] %3d%% %s %s/s", file, bar, percent, amount,
                        MemoryEstimate.format((long) speed)));
            });
        }
        if (json) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("repo", repoId);
            result.put("revision", revision);
            result.put("snapshot", snapshot.toString());
            spec.commandLine().getOut().println(Json.write(result));
        } else {
            spec.commandLine().getOut().println(snapshot);
        }
        return 0;
    }
}
