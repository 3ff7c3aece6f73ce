package dev.topiary.cli;

import dev.topiary.activations.PromptSetException;
import dev.topiary.engine.EngineException;
import dev.topiary.export.ExportException;
import dev.topiary.library.HubException;
import dev.topiary.library.ModelsConfig;
import dev.topiary.model.ModelFormatException;
import dev.topiary.training.TrainingException;
import java.io.IOException;
import picocli.CommandLine;
import java.io.PrintWriter;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine.ParseResult;

/**
 * Prints expected failures (bad model files, bad arguments, export problems, training stopped by a non-finite
 * loss) as one line on stderr, with exit code 2. Anything else is a bug: its stack trace goes to stderr as well,
 * with exit code 1.
 */
final class ErrorHandler implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parseResult) {
        if (e instanceof ModelFormatException || e instanceof ExportException || e instanceof IllegalArgumentException
                || e instanceof EngineException || e instanceof PromptSetException || e instanceof IOException
                || e instanceof ModelsConfig.ConfigException || e instanceof HubException
                || e instanceof TrainingException) {
            commandLine.getErr().println("error: " + e.getMessage());
            return 2;
        }
        commandLine.getErr().println("error: unexpected failure, please report it with the trace below");
        e.printStackTrace(commandLine.getErr());
        return 1;
    }

    /**
     * Prints an invalid command line (an unknown option, a missing or invalid value) as one line on stderr, with
     * exit code 2, instead of picocli's usage text, which would bury the message. The message of a value that
     * cannot be converted lists the valid values.
     */
    static final class Parameters implements IParameterExceptionHandler {

        @Override
        public int handleParseException(ParameterException e, String[] args) {
            CommandLine commandLine = e.getCommandLine();
            PrintWriter err = commandLine.getErr();
            String message = e.getMessage();
            String command = commandLine.getCommandSpec().qualifiedName();
            err.println("error: " + message + (message.endsWith(".") ? "" : ".") + " See '" + command
                    + " --help'.");
            if (e instanceof UnmatchedArgumentException unmatched) {
                unmatched.printSuggestions(err);
            }
            err.flush();
            return 2;
        }
    }
}
