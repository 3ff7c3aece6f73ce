package dev.topiary.ui;

import dev.topiary.library.HubDownloader;
import dev.topiary.library.HubException;
import dev.topiary.library.MemoryEstimate;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import javafx.concurrent.Task;

/**
 * Downloads a Hub repo into the Hugging Face cache in the background, reporting the current file's bytes, speed
 * and time left.
 *
 * <p>The downloader has no cancel switch, so cancelling makes the next progress report of an unfinished file
 * throw, which stops the transfer and leaves the partial file for the next download to resume. A file that has
 * arrived whole is left to finish, so that no complete file stays behind under its partial name.
 */
final class DownloadTask extends Task<Path> {

    private final HubDownloader downloader;
    private final String repoId;
    private final String revision;

    DownloadTask(HubDownloader downloader, String repoId, String revision) {
        this.downloader = downloader;
        this.repoId = repoId;
        this.revision = revision;
        updateTitle("Download");
        updateMessage("Asking the Hub for the files of " + repoId + "@" + revision);
        updateProgress(-1, 1);
    }

    @Override
    protected Path call() throws HubException {
        try {
            return downloader.download(repoId, revision, this::report);
        } catch (CancellationException e) {
            return null;
        }
    }

    private void report(String file, long bytesDone, long bytesTotal, double bytesPerSecond) {
        if (isCancelled() && (bytesTotal < 0 || bytesDone < bytesTotal)) {
            throw new CancellationException("Download of " + repoId + " cancelled");
        }
        updateMessage(describe(repoId, file, bytesDone, bytesTotal, bytesPerSecond));
        updateProgress(bytesTotal > 0 ? bytesDone : -1, bytesTotal > 0 ? bytesTotal : 1);
    }

    /** Formats a progress line, such as "Downloading org/name: model.safetensors 1.2 MiB of 3.4 MiB at 5.6 MiB/s". */
    static String describe(String repoId, String file, long bytesDone, long bytesTotal, double bytesPerSecond) {
        StringBuilder line = new StringBuilder("Downloading ").append(repoId).append(": ").append(file).append(' ')
                .append(MemoryEstimate.format(bytesDone));
        if (bytesTotal > 0) {
            line.append(" of ").append(MemoryEstimate.format(bytesTotal));
        }
        line.append(" at ").append(MemoryEstimate.format((long) bytesPerSecond)).append("/s");
        if (bytesTotal > bytesDone && bytesPerSecond > 0) {
            line.append(String.format(Locale.ROOT, ", about %s left",
                    CaptureTask.formatDuration((bytesTotal - bytesDone) / bytesPerSecond)));
        }
        return line.toString();
    }
}
