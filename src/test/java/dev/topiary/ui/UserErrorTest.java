package dev.topiary.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.model.ModelFormatException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class UserErrorTest {

    @Test
    void modelFormatMessageShownAsItIs() {
        ModelFormatException problem = new ModelFormatException(Path.of("/m/x.bin"), "the header is truncated.");

        UserError error = UserError.from("Open model failed", problem);

        assertEquals("Open model failed", error.title());
        assertEquals("/m/x.bin: the header is truncated.", error.cause());
        assertFalse(error.fix().isBlank());
        assertTrue(error.details().contains("ModelFormatException"));
        assertTrue(UserError.isExpected(problem));
    }

    @Test
    void unexpectedFailureNamesExceptionAndAsksForReport() {
        IllegalStateException bug = new IllegalStateException("index 3 of 2");

        UserError error = UserError.from("Run prompt failed", bug);

        assertEquals("IllegalStateException: index 3 of 2", error.cause());
        assertTrue(error.fix().contains("bug"));
        assertFalse(UserError.isExpected(bug));
    }

    @Test
    void invalidValueIsExpected() {
        assertTrue(UserError.isExpected(new IllegalArgumentException("top-p must be in (0, 1], got 0")));
    }

    @Test
    void choiceExceptionShowsItsOwnFix() {
        ChoiceException problem = new ChoiceException("/m has no tokenizer, so the prompt cannot be encoded.",
                "Untick the model.");

        UserError error = UserError.from("Evaluate failed", problem);

        assertEquals("/m has no tokenizer, so the prompt cannot be encoded.", error.cause());
        assertEquals("Untick the model.", error.fix());
        assertTrue(UserError.isExpected(problem));
    }
}
