package dev.topiary.cli;

import dev.topiary.engine.OfflineMode;
import picocli.CommandLine;

/** Entry point of the {@code topiary} command. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code; tests call this instead of {@link #main}. */
    public static int run(String... args) {
        OfflineMode.enable();
        return new CommandLine(new TopiaryCommand())
                .setExecutionExceptionHandler(new ErrorHandler())
                .execute(args);
    }
}
