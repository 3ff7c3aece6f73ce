package dev.topiary.library;

import dev.topiary.engine.ComputeDtype;
import java.nio.file.Path;

/**
 * One model of the library.
 *
 * @param name the display name: a models.cfg section, a Hub repo id, or a file or folder name
 * @param origin where the entry comes from
 * @param path the local folder or llama2.c file, or null for a Hub model not downloaded yet
 * @param repoId the Hub repo id, or null for a local model
 * @param revision the Hub revision (branch, tag or commit), or null
 * @param tokenizer a llama2.c tokenizer file, or null
 * @param note free text from models.cfg, or null
 * @param dtype the dtype models.cfg requests, or null
 * @param device the device models.cfg requests (auto, cpu or gpu), or null
 */
public record ModelEntry(String name, Origin origin, Path path, String repoId, String revision, Path tokenizer,
        String note, ComputeDtype dtype, String device) {

    /** Creates an entry that requests no dtype or device. */
    public ModelEntry(String name, Origin origin, Path path, String repoId, String revision, Path tokenizer,
            String note) {
        this(name, origin, path, repoId, revision, tokenizer, note, null, null);
    }

    /** The source of an entry. */
    public enum Origin {
        /** A section of models.cfg. */
        CONFIGURED,
        /** A snapshot in the Hugging Face cache. */
        CACHED,
        /** A model opened recently. */
        RECENT
    }

    /** Returns whether the model's files are on this machine. */
    public boolean isLocal() {
        return path != null && java.nio.file.Files.exists(path);
    }
}
