package dev.topiary.activations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptSetTest {

    @Test
    void textFileSkipsBlankLines(@TempDir Path temp) throws Exception {
        Path file = temp.resolve("stories.txt");
        Files.writeString(file, "First prompt\n\n  Second prompt  \n");

        PromptSet set = PromptSet.read(file);

        assertEquals("stories", set.name());
        assertEquals(2, set.size());
        assertEquals("Second prompt", set.prompts().get(1).text());
        assertEquals("3", set.prompts().get(1).id(), "ids are line numbers");
        assertNull(set.prompts().get(0).group());
    }

    @Test
    void byteOrderMarkIsStripped(@TempDir Path temp) throws Exception {
        Path text = temp.resolve("bom.txt");
        Files.writeString(text, "\uFEFFOnce upon a time\nSecond\n");
        Path jsonl = temp.resolve("bom.jsonl");
        Files.writeString(jsonl, "\uFEFF{\"text\": \"Once upon a time\"}\n");

        PromptSet fromText = PromptSet.read(text);
        PromptSet fromJsonl = PromptSet.read(jsonl);

        assertEquals("Once upon a time", fromText.prompts().get(0).text());
        assertEquals("Once upon a time", fromJsonl.prompts().get(0).text());
    }

    @Test
    void missingFileSaysItDoesNotExist(@TempDir Path temp) {
        Path missing = temp.resolve("missing.txt");

        PromptSetException error = assertThrows(PromptSetException.class, () -> PromptSet.read(missing));

        assertTrue(error.getMessage().contains(missing + ": does not exist"), error.getMessage());
    }

    @Test
    void jsonlReadsIdAndGroup(@TempDir Path temp) throws Exception {
        Path file = temp.resolve("pairs.jsonl");
        Files.writeString(file, "{\"text\": \"The nurse said\", \"id\": \"n1\", \"group\": \"care\"}\n"
                + "{\"text\": \"A line\\nwith a newline\"}\n");

        PromptSet set = PromptSet.read(file);

        assertEquals(2, set.size());
        assertEquals("n1", set.prompts().get(0).id());
        assertEquals("care", set.prompts().get(0).group());
        assertEquals("A line\nwith a newline", set.prompts().get(1).text());
        assertEquals("2", set.prompts().get(1).id());
    }

    @Test
    void pairLineGivesTwoPrompts(@TempDir Path temp) throws Exception {
        Path file = temp.resolve("pairs.jsonl");
        Files.writeString(file, "{\"id\": \"p\", \"a\": \"He ran\", \"b\": \"She ran\", \"attribute\": \"gender\"}\n");

        PromptSet set = PromptSet.read(file);

        assertEquals(2, set.size());
        assertEquals("p.a", set.prompts().get(0).id());
        assertEquals("She ran", set.prompts().get(1).text());
        assertEquals("gender", set.prompts().get(1).group());
    }

    @Test
    void jsonlLineWithoutTextIsRejected(@TempDir Path temp) throws Exception {
        Path file = temp.resolve("bad.jsonl");
        Files.writeString(file, "{\"text\": \"ok\"}\n{\"prompt\": \"wrong field\"}\n");

        PromptSetException error = assertThrows(PromptSetException.class, () -> PromptSet.read(file));

        assertTrue(error.getMessage().startsWith(file.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("line 2"), error.getMessage());
        assertTrue(error.getMessage().contains("\"text\""), error.getMessage());
    }

    @Test
    void invalidJsonNamesLine(@TempDir Path temp) throws Exception {
        Path file = temp.resolve("bad.jsonl");
        Files.writeString(file, "{\"text\": \"ok\"}\n{not json\n");

        PromptSetException error = assertThrows(PromptSetException.class, () -> PromptSet.read(file));

        assertTrue(error.getMessage().contains("line 2 is not valid JSON"), error.getMessage());
    }

    @Test
    void unclosedObjectNamesColumnsWithoutJacksonSource(@TempDir Path temp) throws Exception {
        Path file = temp.resolve("bad.jsonl");
        Files.writeString(file, "{\"text\": \"ok\"}\n  {\"text\": \"cut\"\n");

        PromptSetException error = assertThrows(PromptSetException.class, () -> PromptSet.read(file));

        assertTrue(error.getMessage().contains("line 2 is not valid JSON at column 17"), error.getMessage());
        assertTrue(error.getMessage().contains("expected close marker for Object that starts at column 3"),
                error.getMessage());
        assertFalse(error.getMessage().contains("Source"), error.getMessage());
        assertFalse(error.getMessage().contains("StreamReadFeature"), error.getMessage());
    }

    @Test
    void emptyFileIsRejected(@TempDir Path temp) throws Exception {
        Path file = temp.resolve("empty.txt");
        Files.writeString(file, "\n\n");

        PromptSetException error = assertThrows(PromptSetException.class, () -> PromptSet.read(file));

        assertTrue(error.getMessage().contains("no prompts"), error.getMessage());
    }

    @Test
    void nonUtf8FileIsRejected(@TempDir Path temp) throws Exception {
        Path file = temp.resolve("latin1.txt");
        Files.write(file, "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));

        PromptSetException error = assertThrows(PromptSetException.class, () -> PromptSet.read(file));

        assertTrue(error.getMessage().contains("UTF-8"), error.getMessage());
    }

    @Test
    void shippedSetsLoad() throws Exception {
        try (var files = Files.list(Path.of("sample-prompts"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                PromptSet set = PromptSet.read(file);
                assertTrue(set.size() >= 8, file + " has " + set.size() + " prompts");
            }
        }
    }
}
