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
import java.util.Map;

/**
 * Reads {@code models.cfg}: one {@code [name]} section per model with {@code source} (a local folder, a llama2.c
 * file, or {@code hf:ORG/NAME@REVISION}), and optional {@code tokenizer}, {@code dtype}, {@code device} and
 * {@code note}. Lines starting with {@code #} or {@code ;} are comments. Relative paths are resolved against the
 * file's folder.
 */
public final class ModelsConfig {

    private ModelsConfig() {}

    /** An invalid models.cfg line; the message names the file and line. */
    public static final class ConfigException extends Exception {
        public ConfigException(Path file, int line, String message) {
            super(file + ":" + line + ": " + message);
        }
    }

    /** One section with its settings. */
    public record Section(String name, Map<String, String> settings, int line) {}

    /** Reads the sections of a file; a missing file has none. */
    public static List<Section> read(Path file) throws ConfigException, IOException {
        List<Section> sections = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return sections;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String name = null;
        Map<String, String> settings = null;
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]") || line.length() < 3) {
                    throw new ConfigException(file, i + 1, "invalid section header '" + line + "'; write [name].");
                }
                if (name != null) {
                    sections.add(new Section(name, settings, start));
                }
                name = line.substring(1, line.length() - 1).strip();
                settings = new LinkedHashMap<>();
                start = i + 1;
                continue;
            }
            int equals = line.indexOf('=');
            if (equals < 1) {
                throw new ConfigException(file, i + 1, "expected 'key = value', found '" + line + "'.");
            }
            if (name == null) {
                throw new ConfigException(file, i + 1, "setting outside a section; start with [name].");
            }
            settings.put(line.substring(0, equals).strip().toLowerCase(java.util.Locale.ROOT),
                    line.substring(equals + 1).strip());
        }
        if (name != null) {
            sections.add(new Section(name, settings, start));
        }
        return sections;
    }

    /** Turns sections into entries; {@code source} is required. */
    public static List<ModelEntry> entries(Path file) throws ConfigException, IOException {
        List<ModelEntry> entries = new ArrayList<>();
        Path folder = file.toAbsolutePath().getParent();
        for (Section section : read(file)) {
            String source = section.settings().get("source");
            if (source == null || source.isBlank()) {
                throw new ConfigException(file, section.line(), "model [" + section.name() + "] has no 'source'.");
            }
            String note = section.settings().get("note");
            ComputeDtype dtype = dtypeSetting(file, section);
            String device = deviceSetting(file, section);
            String tokenizerSetting = section.settings().get("tokenizer");
            Path tokenizer = tokenizerSetting == null ? null : folder.resolve(tokenizerSetting).normalize();
            if (source.startsWith("hf:")) {
                String spec = source.substring(3);
                int at = spec.indexOf('@');
                String repo = at < 0 ? spec : spec.substring(0, at);
                String revision = at < 0 ? "main" : spec.substring(at + 1);
                if (!repo.matches("[\\w.-]+/[\\w.-]+")) {
                    throw new ConfigException(file, section.line(), "model [" + section.name() + "] has an invalid Hub "
                            + "repo id '" + repo + "'; write hf:ORG/NAME or hf:ORG/NAME@REVISION.");
                }
                entries.add(new ModelEntry(section.name(), ModelEntry.Origin.CONFIGURED, null, repo, revision,
                        tokenizer, note, dtype, device));
            } else {
                entries.add(new ModelEntry(section.name(), ModelEntry.Origin.CONFIGURED,
                        folder.resolve(source).normalize(), null, null, tokenizer, note, dtype, device));
            }
        }
        return entries;
    }

    private static ComputeDtype dtypeSetting(Path file, Section section) throws ConfigException {
        String value = section.settings().get("dtype");
        if (value == null) {
            return null;
        }
        try {
            return ComputeDtype.parse(value, "model [" + section.name() + "]");
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file, section.line(), e.getMessage());
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
            throw new ConfigException(file, section.line(), e.getMessage());
        }
    }
}
