package dev.topiary.cli;

import java.io.PrintWriter;

/**
 * A progress line on stderr that is redrawn in place with a carriage return. {@link #close} ends it with a newline,
 * so the next message or log line starts on a line of its own.
 */
final class ProgressLine implements AutoCloseable {

    /** Maximum columns of a drawn line, so that it fits an 80-column terminal without wrapping. */
    static final int MAX_COLUMNS = 79;

    private final PrintWriter err;
    private int drawnLength;
    private boolean open;

    ProgressLine(PrintWriter err) {
        this.err = err;
    }

    /** Replaces the line with {@code text}, cut to {@link #MAX_COLUMNS} and padded over a longer previous text. */
    void draw(String text) {
        String line = text.length() > MAX_COLUMNS ? text.substring(0, MAX_COLUMNS) : text;
        int padding = Math.max(0, drawnLength - line.length());
        err.print("\r" + line + " ".repeat(padding));
        err.flush();
        drawnLength = line.length();
        open = true;
    }

    /** Ends the line with a newline, when one is open. */
    @Override
    public void close() {
        if (open) {
            err.println();
            err.flush();
            open = false;
            drawnLength = 0;
        }
    }
}
