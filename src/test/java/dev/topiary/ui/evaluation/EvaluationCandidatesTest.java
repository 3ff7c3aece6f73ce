package dev.topiary.ui.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluationCandidatesTest {

    private static final ModelChoice OPEN = new ModelChoice("base", Path.of("/models/base"), null, true);
    private static final ModelChoice BASE_IN_LIBRARY = new ModelChoice("base", Path.of("/models/base"), null, false);
    private static final ModelChoice SMALL = new ModelChoice("small", Path.of("/models/small"), null, false);
    private static final ModelChoice PRUNED = new ModelChoice("pruned", Path.of("/out/pruned"), null, false);

    private static List<String> chosenNames(EvaluationCandidates candidates) {
        return candidates.chosen().stream().map(ModelChoice::name).toList();
    }

    @Test
    void openModelIsChosenFirstAndListedOnce() {
        EvaluationCandidates candidates = new EvaluationCandidates();
        candidates.setLibraryModels(List.of(BASE_IN_LIBRARY, SMALL));
        candidates.setOpenModel(OPEN);

        assertEquals(2, candidates.candidates().size());
        assertEquals(EvaluationCandidate.Source.OPEN, candidates.candidates().get(0).source());
        assertEquals(List.of("base"), chosenNames(candidates));
        assertTrue(candidates.chosen().get(0).isOpenModel());
    }

    @Test
    void tickOrderIsRunOrder() {
        EvaluationCandidates candidates = new EvaluationCandidates();
        candidates.setLibraryModels(List.of(BASE_IN_LIBRARY, SMALL));
        candidates.candidates().get(1).chosenProperty().set(true);
        candidates.candidates().get(0).chosenProperty().set(true);

        assertEquals(List.of("small", "base"), chosenNames(candidates));
        assertEquals(0, candidates.runPosition(candidates.candidates().get(1)));
        assertEquals(1, candidates.runPosition(candidates.candidates().get(0)));

        candidates.candidates().get(1).chosenProperty().set(false);
        assertEquals(List.of("base"), chosenNames(candidates));
        assertEquals(-1, candidates.runPosition(candidates.candidates().get(1)));
    }

    @Test
    void sessionModelIsAddedAndChosenAfterOthers() {
        EvaluationCandidates candidates = new EvaluationCandidates();
        candidates.setOpenModel(OPEN);
        candidates.addSessionModel(PRUNED);

        assertEquals(List.of("base", "pruned"), chosenNames(candidates));
        assertEquals(EvaluationCandidate.Source.SESSION, candidates.candidates().get(1).source());
    }

    @Test
    void choiceSurvivesLibraryRefresh() {
        EvaluationCandidates candidates = new EvaluationCandidates();
        candidates.setLibraryModels(List.of(SMALL));
        candidates.candidates().get(0).chosenProperty().set(true);
        candidates.setLibraryModels(List.of(BASE_IN_LIBRARY, SMALL));

        assertEquals(List.of("small"), chosenNames(candidates));
        assertTrue(candidates.candidates().get(1).chosenProperty().get());
    }

    @Test
    void referenceDefaultsToFirstChosen() {
        EvaluationCandidates candidates = new EvaluationCandidates();
        candidates.setOpenModel(OPEN);
        candidates.addSessionModel(PRUNED);

        ReferenceChoice reference = candidates.referenceProperty().get();
        assertEquals(ReferenceChoice.FIRST, reference);
        assertEquals(OPEN, reference.resolve(candidates.chosen()));
        assertNull(ReferenceChoice.NONE.resolve(candidates.chosen()));
        assertEquals(2 + 2, candidates.referenceOptions().size(), "first, none, and each candidate");
    }
}
