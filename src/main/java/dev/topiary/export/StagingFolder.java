package dev.topiary.export;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A hidden folder beside an output folder, filled first and then renamed into place, so that a failed or
 * cancelled write never leaves a half-written result under the name the user chose.
 */
public final class StagingFolder {

    private StagingFolder() {}

    /**
     * Checks that {@code target} is absent or an empty folder and creates a staging folder beside it.
     * Unlike a temporary directory, the staging folder gets the default permissions (the umask), so the
     * result is as readable as any folder the user creates.
     */
    public static Path create(Path target) throws IOException {
        checkTarget(target);
        Path parent = target.getParent();
        Files.createDirectories(parent);
        return Files.createDirectory(parent.resolve("." + target.getFileName() + ".partial-" + UUID.randomUUID()));
    }

    /**
     * Checks that {@code target} is absent or an empty folder and that no file on its path blocks creating it,
     * without creating anything. Commands call it before slow work whose result goes to {@code target}.
     */
    public static void checkTarget(Path target) throws IOException {
        if (Files.exists(target)) {
            if (!Files.isDirectory(target)) {
                throw new IOException(target + " exists and is a file. Choose a new folder name.");
            }
            try (Stream<Path> entries = Files.list(target)) {
                if (entries.findAny().isPresent()) {
                    throw new IOException(target + " exists and is not empty; Topiary does not overwrite it. Choose "
                            + "a new folder name or move the old one away.");
                }
            }
        }
        Path parent = target.getParent();
        for (Path ancestor = parent; ancestor != null; ancestor = ancestor.getParent()) {
            if (Files.exists(ancestor) && !Files.isDirectory(ancestor)) {
                throw new IOException(ancestor + " is a file, so " + target + " cannot be created inside it. Choose "
                        + "another folder.");
            }
        }
    }

    /** Moves a filled staging folder to {@code target}, which must be absent or an empty folder. */
    public static void moveIntoPlace(Path staging, Path target) throws IOException {
        if (Files.isDirectory(target)) {
            Files.delete(target); // empty: create() checked it, and a non-empty folder makes delete fail
        }
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(staging, target);
        }
    }

    /** Deletes a staging folder and everything in it, as far as possible. */
    public static void delete(Path staging) {
        try (Stream<Path> paths = Files.walk(staging)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // Best effort: what is left is a hidden folder whose name says it is partial.
        }
    }
}
