package dev.topiary.library;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The most recently opened model paths, newest first, kept in {@code recent-models.txt} in the user folder. */
public final class RecentModels {

    /** How many paths are kept. */
    public static final int LIMIT = 10;

    private final Path file;

    public RecentModels(Path userFolder) {
        this.file = userFolder.resolve("recent-models.txt");
    }

    /** Returns the paths, newest first; an unreadable list is empty. */
    public List<Path> list() {
        List<Path> paths = new ArrayList<>();
        try {
            if (Files.isRegularFile(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        paths.add(Path.of(line.strip()));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return paths;
    }

    /** Puts a path first, dropping older duplicates and anything past {@link #LIMIT}. */
    public void add(Path path) throws IOException {
        Path absolute = path.toAbsolutePath().normalize();
        List<Path> paths = new ArrayList<>(list());
        paths.remove(absolute);
        paths.add(0, absolute);
        List<String> lines = paths.stream().limit(LIMIT).map(Path::toString).toList();
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(temporary, lines, StandardCharsets.UTF_8);
        Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
