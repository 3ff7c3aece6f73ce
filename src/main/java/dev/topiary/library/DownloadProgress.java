package dev.topiary.library;

/** Receives download progress, at most a few times a second per file. */
@FunctionalInterface
public interface DownloadProgress {

    /**
     * Reports progress on one file.
     *
     * @param file the file name in the repo
     * @param bytesDone bytes on disk, including those of an earlier interrupted download
     * @param bytesTotal the file size, or -1 when unknown
     * @param bytesPerSecond the transfer speed of this attempt
     */
    void update(String file, long bytesDone, long bytesTotal, double bytesPerSecond);

    /** Progress that goes nowhere. */
    DownloadProgress NONE = (file, done, total, speed) -> { };
}
