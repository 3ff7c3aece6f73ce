package dev.topiary.ui.library;

import dev.topiary.library.MemoryEstimate;
import dev.topiary.library.ModelEntry;
import java.nio.file.Path;

/**
 * One model of the picker: a library entry and the size of its weights on disk.
 *
 * @param fileBytes bytes of the llama2.c file or the safetensors files, or -1 when the model is not on this machine
 */
public record LibraryItem(ModelEntry entry, long fileBytes) {

    public String name() {
        return entry.name();
    }

    /** Returns the local path, or null for a Hub model that is not downloaded. */
    public Path path() {
        return entry.path();
    }

    public boolean isLocal() {
        return fileBytes >= 0;
    }

    /** Returns the origin as the picker labels it: "models.cfg", "HF cache" or "recent". */
    public String originLabel() {
        return switch (entry.origin()) {
            case CONFIGURED -> "models.cfg";
            case CACHED -> "HF cache";
            case RECENT -> "recent";
        };
    }

    /** Returns the size on disk, such as "1.1 MiB", or "not downloaded" for a Hub model not in the cache. */
    public String sizeText() {
        if (isLocal()) {
            return MemoryEstimate.format(fileBytes);
        }
        return entry.repoId() != null ? "not downloaded" : "missing";
    }

    /** Returns where the model comes from: its Hub repo and revision, or its path. */
    public String sourceText() {
        if (entry.repoId() != null) {
            return entry.repoId() + "@" + entry.revision();
        }
        return entry.path() == null ? "" : entry.path().toString();
    }
}
