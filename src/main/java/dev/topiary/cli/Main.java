package dev.topiary.cli;

import dev.topiary.engine.OfflineMode;
import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point of the {@code topiary} command. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line on the process's stdout and stderr and returns its exit code. */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the command line with the given output streams; tests call this instead of {@link #main}. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        OfflineMode.enable();
        int code = new CommandLine(new TopiaryCommand())
                .setOut(out)
                .setErr(err)
                .setExecutionExceptionHandler(new ErrorHandler())
                .setParameterExceptionHandler(new ErrorHandler.Parameters())
                .execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
