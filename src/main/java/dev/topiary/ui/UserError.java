package dev.topiary.ui;

import dev.topiary.activations.PromptSetException;
import dev.topiary.engine.EngineException;
import dev.topiary.export.ExportException;
import dev.topiary.library.HubException;
import dev.topiary.library.ModelsConfig;
import dev.topiary.model.ModelFormatException;
import dev.topiary.training.TrainingException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.NoSuchFileException;

/**
 * A failure as the error dialog shows it.
 *
 * @param title what the user was doing, such as "Open model failed"
 * @param cause one line on what went wrong
 * @param fix what to do about it
 * @param details the stack trace, shown behind an expander
 */
public record UserError(String title, String cause, String fix, String details) {

    /** Describes a failure of the job with the given title; messages of domain exceptions are shown as they are. */
    public static UserError from(String title, Throwable error) {
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
        if (error instanceof ModelFormatException) {
            return new UserError(title, message, "Choose a Hugging Face model folder (config.json and "
                    + "safetensors), or a llama2.c .bin checkpoint with its tokenizer beside it.",
                    stackTrace(error));
        }
        if (error instanceof PromptSetException) {
            return new UserError(title, message, "Fix the prompt file as described, or choose another one. A .txt "
                    + "file holds one prompt per line; a .jsonl file one {\"text\": \"...\"} object per line.",
                    stackTrace(error));
        }
        if (error instanceof ExportException) {
            return new UserError(title, message, "Choose a new or empty folder outside the source model's folder, "
                    + "on a disk with room for the model.", stackTrace(error));
        }
        if (error instanceof HubException) {
            return new UserError(title, message, "Check the repo id and revision, the network connection, and "
                    + "HF_TOKEN for gated or private repos; finished files are kept for the next try.",
                    stackTrace(error));
        }
        if (error instanceof ModelsConfig.ConfigException) {
            return new UserError(title, message, "Fix the models.cfg line named above: one [name] section per "
                    + "model with 'source = PATH' or 'source = hf:ORG/NAME@REVISION'.", stackTrace(error));
        }
        if (error instanceof NoSuchFileException missing) {
            return new UserError(title, missing.getFile() + ": not found", "Check the path, or choose another "
                    + "file or folder.", stackTrace(error));
        }
        if (error instanceof IOException) {
            return new UserError(title, message, "Check the path and its permissions, or choose another file or "
                    + "folder.", stackTrace(error));
        }
        if (error instanceof TrainingException) {
            return new UserError(title, message, "Change the settings named above and start a new run.",
                    stackTrace(error));
        }
        if (error instanceof ChoiceException choice) {
            return new UserError(title, message, choice.fix(), stackTrace(error));
        }
        if (error instanceof IllegalArgumentException) {
            return new UserError(title, message, "Change the value named above and try again.", stackTrace(error));
        }
        if (error instanceof EngineException) {
            return new UserError(title, message, "The tensor engine could not run. The details below and the log "
                    + "contain the full error; restart Topiary after fixing its cause.", stackTrace(error));
        }
        return new UserError(title, error.getClass().getSimpleName() + ": " + message, "This is a bug in Topiary. "
                + "The details below and the log contain the stack trace; please report it.", stackTrace(error));
    }

    /**
     * Returns whether the user can fix the failure: a bad model, prompt, analysis or models.cfg file, an invalid
     * value, an export folder that cannot be written, or a failed download.
     */
    public static boolean isExpected(Throwable error) {
        return error instanceof ModelFormatException || error instanceof PromptSetException
                || error instanceof IOException || error instanceof IllegalArgumentException
                || error instanceof ExportException || error instanceof HubException
                || error instanceof ModelsConfig.ConfigException || error instanceof TrainingException;
    }

    private static String stackTrace(Throwable error) {
        StringWriter text = new StringWriter();
        error.printStackTrace(new PrintWriter(text));
        return text.toString();
    }
}
