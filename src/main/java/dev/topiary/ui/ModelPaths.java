package dev.topiary.ui;

import java.nio.file.Path;

/** Turns a path as typed or pasted, such as a model folder, into a {@link Path}. */
public final class ModelPaths {

    private ModelPaths() {}

    /**
     * Parses a typed path: surrounding whitespace and one pair of matching quotes (as a file manager's "copy path"
     * adds) are removed, and a leading {@code ~} stands for the user's home folder.
     *
     * @throws java.nio.file.InvalidPathException when the text cannot be a path on this system
     */
    public static Path parse(String typed) {
        String text = typed.strip();
        if (text.length() >= 2 && (text.charAt(0) == '"' || text.charAt(0) == '\'')
                && text.charAt(text.length() - 1) == text.charAt(0)) {
            text = text.substring(1, text.length() - 1).strip();
        }
        if (text.equals("~") || text.startsWith("~/")) {
            text = System.getProperty("user.home") + text.substring(1);
        }
        return Path.of(text);
    }
}
