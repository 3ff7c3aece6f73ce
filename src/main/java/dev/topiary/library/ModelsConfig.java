package dev.topiary.library;

import dev.topiary.engine.ComputeDtype;
import dev.topiary.engine.EngineException;
import dev.topiary.engine.TensorEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads {@code models.cfg}: one {@code [name]} section per model with {@code source} (a local folder, a llama2.c
 * file, or {@code hf:ORG/NAME@REVISION}), and optional {@code tokenizer}, {@code dtype}, {@code device} and
 * {@code note}. Lines starting with {@code #} or {@code ;} are comments. Relative paths are resolved against the
 * file's folder.
 *
 * <p>An invalid line or setting invalidates only its own section: the other sections stay usable, and the error is
 * kept so that using the invalid model by name reports it.
 */
public final class ModelsConfig {

    private ModelsConfig() {}

    /** An invalid models.cfg line; the message names the file and line. */
    public static final class ConfigException extends Exception {
        public ConfigException(Path file, int line, String message) {
            super(file + ":" + line + ": " + message);
        }
    }

    /**
     * One section with its settings.
     *
     * @param settings the values by lower-case key
     * @param keyLines the 1-based line of each key, for messages
     * @param line the 1-based line of the section header
     * @param error the first invalid line inside the section, or null
     */
    public record Section(String name, Map<String, String> settings, Map<String, Integer> keyLines, int line,
            ConfigException error) {

        int lineOf(String key) {
            return keyLines.getOrDefault(key, line);
        }
    }

    /**
     * The models of one file.
     *
     * @param entries the valid sections as entries, in file order
     * @param invalid the error of each invalid section by its name, in file order
     * @param outside errors that belong to no named section, such as a malformed header or a setting before the
     *     first header
     */
    public record Listing(List<ModelEntry> entries, Map<String, ConfigException> invalid,
            List<ConfigException> outside) {

        /** Returns one message per skipped section or line, each starting with file:line. */
        public List<String> warnings() {
            List<String> warnings = new ArrayList<>();
            outside.forEach(error -> warnings.add(error.getMessage()));
            invalid.values().forEach(error -> warnings.add(error.getMessage() + " This model is skipped."));
            return warnings;
        }
    }

    /** Reads the sections of a file; a missing file has none. */
    public static List<Section> read(Path file) throws IOException {
        return parse(file, new ArrayList<>());
    }

    private static List<Section> parse(Path file, List<ConfigException> outside) throws IOException {
        List<Section> sections = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return sections;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        SectionBuilder current = null;
        for (int i = 0; i < lines.size(); i++) {
            int number = i + 1;
            // Some editors start a UTF-8 file with a byte order mark, which is not part of the first line.
            String line = (i == 0 ? lines.get(i).replaceFirst("^\uFEFF", "") : lines.get(i)).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (current != null) {
                    sections.add(current.build());
                    current = null;
                }
                if (!line.endsWith("]") || line.length() < 3) {
                    // Its settings have no section to belong to, so they are skipped with it.
                    outside.add(new ConfigException(file, number, "invalid section header '" + line + "'; write "
                            + "[name]. The lines up to the next section are skipped."));
                    current = new SectionBuilder(null, number);
                    continue;
                }
                current = new SectionBuilder(line.substring(1, line.length() - 1).strip(), number);
                continue;
            }
            int equals = line.indexOf('=');
            if (current == null) {
                outside.add(new ConfigException(file, number, "setting outside a section; start with [name]."));
            } else if (equals < 1) {
                current.fail(new ConfigException(file, number, "expected 'key = value' in model [" + current.name
                        + "], found '" + line + "'."));
            } else {
                String key = line.substring(0, equals).strip().toLowerCase(Locale.ROOT);
                current.settings.put(key, line.substring(equals + 1).strip());
                current.keyLines.put(key, number);
            }
        }
        if (current != null) {
            sections.add(current.build());
        }
        sections.removeIf(section -> section.name() == null);
        return sections;
    }

    /**
     * Turns a file's sections into entries; {@code source} is required. A section with an invalid line or value is
     * left out of the entries and listed as invalid instead.
     */
    public static Listing list(Path file) throws IOException {
        List<ConfigException> outside = new ArrayList<>();
        List<ModelEntry> entries = new ArrayList<>();
        Map<String, ConfigException> invalid = new LinkedHashMap<>();
        Path folder = file.toAbsolutePath().getParent();
        for (Section section : parse(file, outside)) {
            try {
                if (section.error() != null) {
                    throw section.error();
                }
                entries.add(entry(file, folder, section));
                invalid.remove(section.name());
            } catch (ConfigException e) {
                invalid.put(section.name(), e);
                entries.removeIf(entry -> entry.name().equals(section.name()));
            }
        }
        return new Listing(entries, invalid, outside);
    }

    private static ModelEntry entry(Path file, Path folder, Section section) throws ConfigException {
        String source = section.settings().get("source");
        if (source == null || source.isBlank()) {
            throw new ConfigException(file, section.lineOf("source"), "model [" + section.name()
                    + "] has no 'source'.");
        }
        String note = section.settings().get("note");
        ComputeDtype dtype = dtypeSetting(file, section);
        String device = deviceSetting(file, section);
        String tokenizerSetting = section.settings().get("tokenizer");
        Path tokenizer = tokenizerSetting == null ? null : folder.resolve(tokenizerSetting).normalize();
        if (!source.startsWith("hf:")) {
            return new ModelEntry(section.name(), ModelEntry.Origin.CONFIGURED, folder.resolve(source).normalize(),
                    null, null, tokenizer, note, dtype, device);
        }
        String spec = source.substring(3);
        int at = spec.indexOf('@');
        String repo = at < 0 ? spec : spec.substring(0, at);
        String revision = at < 0 ? "main" : spec.substring(at + 1);
        if (!repo.matches("[\\w.-]+/[\\w.-]+")) {
            throw new ConfigException(file, section.lineOf("source"), "model [" + section.name() + "] has an invalid "
                    + "Hub repo id '" + repo + "'; write hf:ORG/NAME or hf:ORG/NAME@REVISION.");
        }
        return new ModelEntry(section.name(), ModelEntry.Origin.CONFIGURED, null, repo, revision, tokenizer, note,
                dtype, device);
    }

    private static ComputeDtype dtypeSetting(Path file, Section section) throws ConfigException {
        String value = section.settings().get("dtype");
        if (value == null) {
            return null;
        }
        try {
            return ComputeDtype.parse(value, "model [" + section.name() + "]");
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file, section.lineOf("dtype"), e.getMessage());
        }
    }

    private static String deviceSetting(Path file, Section section) throws ConfigException {
        String value = section.settings().get("device");
        if (value == null) {
            return null;
        }
        try {
            return TensorEngine.normalise(value, "model [" + section.name() + "]");
        } catch (EngineException e) {
            throw new ConfigException(file, section.lineOf("device"), e.getMessage());
        }
    }

    /** A section being read; a null name marks the lines after an invalid header. */
    private static final class SectionBuilder {
        final String name;
        final int line;
        final Map<String, String> settings = new LinkedHashMap<>();
        final Map<String, Integer> keyLines = new LinkedHashMap<>();
        ConfigException error;

        SectionBuilder(String name, int line) {
            this.name = name;
            this.line = line;
        }

        void fail(ConfigException e) {
            if (error == null) {
                error = e;
            }
        }

        Section build() {
            return new Section(name, settings, keyLines, line, error);
        }
    }
}
