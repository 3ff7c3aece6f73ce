package dev.topiary.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.activations.PromptSet;
import dev.topiary.activations.PromptSetException;
import dev.topiary.model.Architecture;
import dev.topiary.model.ModelConfig;
import dev.topiary.model.tokenizer.ByteTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Packing text into training sequences, the held-out split and the seeded order; no model needed. */
class TrainingDataTest {

    /** Returns a byte-level model's config: BOS 1 and every byte b as id 3 + b. */
    private static ModelConfig config(int bos, List<Integer> eos) {
        return new ModelConfig(Architecture.LLAMA, 16, 32, 1, 2, 2, 8, 259, 128, 1e-5, 10000, null, true, false, 0,
                bos, eos);
    }

    private static final ByteTokenizer BYTES = new ByteTokenizer(259);

    @Test
    void packsTextsWithBosIntoSequences() {
        PromptSet texts = PromptSet.of("t", List.of("abc", "de", "fghij", "klmnopqrstuvwxyz"));
        TrainingData data = TrainingData.of(texts, BYTES, config(1, List.of()), 4, 0.2);

        // BOS a b c BOS d e BOS f g h i j BOS k l ... z: 4 + 3 + 6 + 17 = 30 tokens -> 6 sequences of 5
        assertEquals(30, data.streamTokens());
        assertEquals(5, data.packedLength());
        assertEquals(4, data.trainSequences());
        assertEquals(2, data.heldOutSequences(), "ceil(20% of 6)");
        int[] first = data.trainBatch(0, 4, 7)[0];
        assertEquals(5, first.length);
        assertArrayEquals(new int[] {3 + 'q', 3 + 'r', 3 + 's', 3 + 't', 3 + 'u'}, data.heldOutSequence(0),
                "the held-out sequences are the last ones");
    }

    @Test
    void appendsEosUnlessBosEndsSequences() {
        PromptSet texts = PromptSet.of("t", List.of("ab", "cd", "ef", "gh", "ij", "kl"));
        TrainingData withEos = TrainingData.of(texts, BYTES, config(1, List.of(2)), 3, 0.3);
        TrainingData llama2c = TrainingData.of(texts, BYTES, config(1, List.of(2, 1)), 3, 0.3);

        assertEquals(24, withEos.streamTokens(), "BOS a b EOS per text");
        assertEquals(18, llama2c.streamTokens(), "BOS a b per text, as llama2.c's stories are stored");
        assertEquals(2, TrainingData.separatorAfterText(config(1, List.of(2))));
        assertEquals(-1, TrainingData.separatorAfterText(config(1, List.of(2, 1))));
        assertEquals(-1, TrainingData.separatorAfterText(config(1, List.of())));
    }

    @Test
    void shuffleIsSeededAndCoversEachEpoch() {
        TrainingData data = TrainingData.ofTokens("distinct", java.util.stream.IntStream.range(0, 400).toArray(), 7,
                0.1);
        int count = data.trainSequences();

        Set<String> epoch = new HashSet<>();
        for (int[] sequence : data.trainBatch(0, count, 5)) {
            epoch.add(java.util.Arrays.toString(sequence));
        }
        assertEquals(count, epoch.size(), "one epoch visits every training sequence once");
        assertArrayEquals(data.trainBatch(3, 4, 5), data.trainBatch(3, 4, 5), "same seed, same batch");
        assertNotEquals(java.util.Arrays.deepToString(data.trainBatch(0, count, 5)),
                java.util.Arrays.deepToString(data.trainBatch(count, count, 5)), "a new order each epoch");
        assertNotEquals(java.util.Arrays.deepToString(data.trainBatch(0, count, 5)),
                java.util.Arrays.deepToString(data.trainBatch(0, count, 6)), "another seed, another order");
    }

    @Test
    void emptyFileIsRejected(@TempDir Path temp) throws Exception {
        Path empty = temp.resolve("empty.txt");
        Files.writeString(empty, "\n  \n");

        PromptSetException error = assertThrows(PromptSetException.class,
                () -> TrainingData.read(empty, BYTES, config(1, List.of()), 8, 0.1));

        assertTrue(error.getMessage().contains(empty.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("contains no training text"), error.getMessage());
        assertFalse(error.getMessage().contains("prompt"), error.getMessage());
    }

    @Test
    void jsonlLineWithoutTextIsRejected(@TempDir Path temp) throws Exception {
        Path pairs = temp.resolve("train.jsonl");
        Files.writeString(pairs, "{\"text\": \"a story\"}\n{\"a\": \"he ran\", \"b\": \"she ran\"}\n");

        PromptSetException error = assertThrows(PromptSetException.class,
                () -> TrainingData.read(pairs, BYTES, config(1, List.of()), 2, 0.1));

        assertTrue(error.getMessage().contains("line 2 has no string field \"text\""), error.getMessage());
        assertTrue(error.getMessage().contains("such as {\"text\": \"...\"}."), error.getMessage());
        assertFalse(error.getMessage().contains("pair"), "no pair format suggested: " + error.getMessage());
    }

    @Test
    void emptyJsonlAsksForTextObjects(@TempDir Path temp) throws Exception {
        Path empty = temp.resolve("empty.jsonl");
        Files.writeString(empty, "\n");

        PromptSetException error = assertThrows(PromptSetException.class,
                () -> TrainingData.read(empty, BYTES, config(1, List.of()), 8, 0.1));

        assertTrue(error.getMessage().contains("contains no training text. Write one text per line as {\"text\": "),
                error.getMessage());
    }

    @Test
    void tooShortTextIsRejected() {
        PromptSet texts = PromptSet.of("short", List.of("hi"));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> TrainingData.of(texts, BYTES, config(1, List.of()), 8, 0.1));

        assertTrue(error.getMessage().contains("gives 3 tokens"), error.getMessage());
        assertTrue(error.getMessage().contains("at least 2"), error.getMessage());
    }

    @Test
    void sequenceLongerThanContextIsRejected() {
        PromptSet texts = PromptSet.of("t", List.of("abc"));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> TrainingData.of(texts, BYTES, config(1, List.of()), 129, 0.1));

        assertTrue(error.getMessage().contains("context of 128 tokens"), error.getMessage());
    }

    @Test
    void scheduleWarmsUpThenDecaysToFloor() {
        TrainingConfig config = TrainingConfig.builder().steps(100).learningRate(1.0).warmupSteps(10)
                .minLearningRateRatio(0.1).build();

        assertEquals(0.1, LearningRateSchedule.at(config, 1), 1e-12);
        assertEquals(1.0, LearningRateSchedule.at(config, 10), 1e-12);
        assertEquals(0.55, LearningRateSchedule.at(config, 55), 1e-12, "half way down the cosine");
        assertEquals(0.1, LearningRateSchedule.at(config, 100), 1e-12);
    }
}
