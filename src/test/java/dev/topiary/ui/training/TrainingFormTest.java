package dev.topiary.ui.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.topiary.model.Architecture;
import dev.topiary.model.ModelConfig;
import dev.topiary.model.ModelFormatException;
import dev.topiary.model.Projection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingFormTest {

    @TempDir
    Path temp;
    private Path data;
    private Path student;

    @BeforeEach
    void files() throws IOException {
        data = Files.writeString(temp.resolve("train.txt"), "Once upon a time.\n");
        student = Files.createDirectories(temp.resolve("pruned"));
    }

    /** stories260K's shape: D 64, F 172, 8 heads and 4 kv heads of 8, V 512 and a context of 512 tokens. */
    private static final ModelConfig SMALL = new ModelConfig(Architecture.LLAMA, 64, 172, 5, 8, 4, 8, 512, 512,
            1e-5, 10000.0, null, false, false, 0, 1, List.of(2));

    private TrainingForm lora(String steps, String rate, Set<Projection> targets, String output) {
        return new TrainingForm(TrainingKind.LORA, "", "", data.toString(), steps, "4", "32", rate, "2.0", "0.5",
                "7", "10", "0", "4", "8", "0.0", targets, true, output);
    }

    private TrainingForm distillation(Path teacher, Path studentPath, String temperature, String alpha) {
        return new TrainingForm(TrainingKind.DISTILLATION, text(teacher), text(studentPath), data.toString(), "20",
                "4", "32", "1e-4", temperature, alpha, "7", "10", "5", "8", "16", "0.05",
                EnumSet.of(Projection.Q_PROJ), true, temp.resolve("run").toString());
    }

    private static String text(Path path) {
        return path == null ? "" : path.toString();
    }

    private static ModelChecks.OpenModel open(String dtype) {
        return new ModelChecks.OpenModel("small", SMALL, dtype);
    }

    /** Reads every model as {@link #SMALL}, as if each folder held its config.json. */
    private static ModelConfig readSmall(Path model) {
        return SMALL;
    }

    @Test
    void loraBuildsEverySetting() {
        TrainingSetup setup = lora("50", "3e-4", EnumSet.of(Projection.Q_PROJ, Projection.O_PROJ),
                temp.resolve("run").toString()).toSetup(open("float32"), TrainingFormTest::readSmall);
        assertEquals(TrainingKind.LORA, setup.kind());
        assertEquals(50, setup.config().steps());
        assertEquals(4, setup.config().batchSize());
        assertEquals(32, setup.config().sequenceLength());
        assertEquals(3e-4, setup.config().learningRate());
        assertEquals(7, setup.config().seed());
        assertEquals(10, setup.config().checkpointEvery());
        assertEquals(0.0, setup.config().weightDecay(), "LoRA gets no weight decay, as in the lora command");
        assertEquals(List.of(Projection.Q_PROJ, Projection.O_PROJ), setup.lora().targets());
        assertEquals(4, setup.lora().rank());
        assertTrue(setup.merge());
        assertNull(setup.distillation());
        assertTrue(setup.usesOpenModel());
        assertEquals(temp.resolve("run").toAbsolutePath().normalize(), setup.output());
    }

    @Test
    void distillationFromChosenTeacher() throws IOException {
        Path teacher = Files.createDirectories(temp.resolve("teacher"));
        TrainingSetup setup = distillation(teacher, student, "3", "0.7").toSetup(null, TrainingFormTest::readSmall);
        assertEquals(3.0, setup.distillation().temperature());
        assertEquals(0.7, setup.distillation().alpha());
        assertNull(setup.lora());
        assertFalse(setup.merge(), "merge applies to LoRA only");
        assertFalse(setup.usesOpenModel());
    }

    @Test
    void listsEveryInvalidField() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> lora("ten", "fast", EnumSet.noneOf(Projection.class), " ").toSetup(open("float32"), TrainingFormTest::readSmall));
        String message = error.getMessage();
        assertTrue(message.contains("Steps must be a whole number of 1 or more; got 'ten'"), message);
        assertTrue(message.contains("Learning rate must be a number, such as 0.5 or 1e-4; got 'fast'"), message);
        assertTrue(message.contains("Tick at least one target projection"), message);
        assertTrue(message.contains("The output folder is empty"), message);
    }

    @Test
    void loraNeedsOpenModel() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> lora("5", "1e-4", EnumSet.of(Projection.Q_PROJ), temp.resolve("run").toString())
                        .toSetup(null, TrainingFormTest::readSmall));
        assertTrue(error.getMessage().contains("Open a model first"), error.getMessage());
    }

    @Test
    void rangeChecksOfSettingsReported() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> distillation(null, student, "0", "1.5").toSetup(open("float32"), TrainingFormTest::readSmall));
        assertTrue(error.getMessage().contains("temperature must be positive, got 0.0"), error.getMessage());
    }

    @Test
    void distillationNeedsStudentAndTeacher() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> distillation(null, null, "2", "0.5").toSetup(null, TrainingFormTest::readSmall));
        assertTrue(error.getMessage().contains("Open a model to use as the teacher"), error.getMessage());
        assertTrue(error.getMessage().contains("Choose the student"), error.getMessage());
    }

    @Test
    void rejectsMissingStudentAndDataFile() throws IOException {
        Files.delete(data);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> distillation(null, temp.resolve("absent"), "2", "0.5").toSetup(open("float32"), TrainingFormTest::readSmall));
        assertTrue(error.getMessage().contains("The student " + temp.resolve("absent") + " was not found"),
                error.getMessage());
        assertTrue(error.getMessage().contains("The training data file " + data + " was not found"),
                error.getMessage());
    }

    @Test
    void rejectsOutputFolderThatIsNotEmpty() throws IOException {
        Path used = Files.createDirectories(temp.resolve("used"));
        Files.writeString(used.resolve("run.json"), "{}");
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> lora("5", "1e-4", EnumSet.of(Projection.Q_PROJ), used.toString()).toSetup(open("float32"), TrainingFormTest::readSmall));
        assertTrue(error.getMessage().contains("exists and is not empty"), error.getMessage());
    }

    @Test
    void listsFieldAndModelProblemsTogether() {
        TrainingForm form = new TrainingForm(TrainingKind.LORA, "", "", data.toString(), "0", "4", "100000", "x",
                "2.0", "0.5", "7", "10", "0", "abc", "8", "0.0", EnumSet.of(Projection.Q_PROJ), false,
                temp.resolve("run").toString());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> form.toSetup(open("float16"), TrainingFormTest::readSmall));
        List<String> lines = List.of(error.getMessage().split("\n"));
        assertEquals(5, lines.size(), error.getMessage());
        assertTrue(lines.contains("Steps must be a whole number of 1 or more; got '0'."), error.getMessage());
        assertTrue(lines.contains("Learning rate must be a number, such as 0.5 or 1e-4; got 'x'."),
                error.getMessage());
        assertTrue(lines.contains("LoRA rank must be a whole number of 1 or more; got 'abc'."), error.getMessage());
        assertTrue(lines.contains("Sequence length must be between 2 and the context of 512 tokens of the open model "
                + "small; got 100000."), error.getMessage());
        assertTrue(error.getMessage().contains("is loaded in float16, but LoRA training runs in float32 only"),
                error.getMessage());
    }

    @Test
    void rejectsRankWiderThanProjection() {
        TrainingForm form = new TrainingForm(TrainingKind.LORA, "", "", data.toString(), "5", "4", "32", "1e-4",
                "2.0", "0.5", "7", "10", "0", "48", "8", "0.0", EnumSet.of(Projection.Q_PROJ, Projection.K_PROJ),
                false, temp.resolve("run").toString());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> form.toSetup(open("float32"), TrainingFormTest::readSmall));
        assertEquals("LoRA rank 48 is larger than k_proj of small, which maps 64 inputs to 32 outputs. Enter a rank "
                + "of at most 32, or untick k_proj.", error.getMessage());
    }

    @Test
    void distillationChecksBothContexts() throws IOException {
        Path teacher = Files.createDirectories(temp.resolve("teacher"));
        TrainingForm form = new TrainingForm(TrainingKind.DISTILLATION, teacher.toString(), student.toString(),
                data.toString(), "20", "4", "600", "1e-4", "2", "0.5", "7", "10", "5", "8", "16", "0.05",
                EnumSet.of(Projection.Q_PROJ), false, temp.resolve("run").toString());
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> form.toSetup(null, TrainingFormTest::readSmall));
        assertTrue(error.getMessage().contains("context of 512 tokens of the teacher " + teacher + "; got 600"),
                error.getMessage());
        assertTrue(error.getMessage().contains("context of 512 tokens of the student " + student + "; got 600"),
                error.getMessage());
    }

    @Test
    void reportsUnreadableStudentConfig() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> distillation(null, student, "2", "0.5").toSetup(open("float32"), model -> {
                    throw new ModelFormatException(model, "no config.json in this folder.");
                }));
        assertEquals("The student's config cannot be read: " + student + ": no config.json in this folder.",
                error.getMessage());
    }

    @Test
    void acceptsTypedQuotedPaths() {
        TrainingForm form = new TrainingForm(TrainingKind.DISTILLATION, "", " '" + student + "' ",
                "\"" + data + "\"", "20", "4", "32", "1e-4", "2", "0.5", "7", "10", "5", "8", "16", "0.05",
                EnumSet.of(Projection.Q_PROJ), false, temp.resolve("run").toString());
        TrainingSetup setup = form.toSetup(open("float32"), TrainingFormTest::readSmall);
        assertEquals(student, setup.student());
        assertEquals(data, setup.data());
        assertNull(setup.teacher(), "a blank teacher distills from the open model");
    }
}
