package dev.topiary.ui.evaluation;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The models the Evaluate tab offers: the open model, the models of this session and the library's local models,
 * each listed once by path. The chosen models run in the order they were ticked, so the first ticked is the
 * baseline of the relative charts. Use it on the FX thread only.
 */
public final class EvaluationCandidates {

    private final ObservableList<EvaluationCandidate> candidates = FXCollections.observableArrayList();
    private final ObservableList<ModelChoice> chosen = FXCollections.observableArrayList();
    private final ObservableList<ReferenceChoice> referenceOptions = FXCollections.observableArrayList();
    private final ObjectProperty<ReferenceChoice> reference = new SimpleObjectProperty<>(this, "reference",
            ReferenceChoice.FIRST);
    private ModelChoice openModel;
    private final List<ModelChoice> sessionModels = new ArrayList<>();
    private List<ModelChoice> libraryModels = List.of();
    /** Suppresses the check box listeners while the list is rebuilt. */
    private boolean rebuilding;

    public EvaluationCandidates() {
        rebuild();
    }

    /** Sets the window's open model, or null; it is chosen when nothing else is. */
    public void setOpenModel(ModelChoice model) {
        openModel = model;
        if (model != null && chosen.isEmpty()) {
            chosen.add(model);
        }
        rebuild();
    }

    /** Sets the library's local models. */
    public void setLibraryModels(List<ModelChoice> models) {
        libraryModels = List.copyOf(models);
        rebuild();
    }

    /** Adds a model of this session, such as a folder another tab exported, and chooses it. */
    public void addSessionModel(ModelChoice model) {
        sessionModels.removeIf(existing -> existing.key().equals(model.key()));
        sessionModels.add(model);
        if (chosen.stream().noneMatch(existing -> existing.key().equals(model.key()))) {
            chosen.add(model);
        }
        rebuild();
    }

    private void rebuild() {
        Map<Path, EvaluationCandidate> byKey = new LinkedHashMap<>();
        if (openModel != null) {
            byKey.put(openModel.key(), new EvaluationCandidate(openModel, EvaluationCandidate.Source.OPEN));
        }
        for (ModelChoice model : sessionModels) {
            byKey.putIfAbsent(model.key(), new EvaluationCandidate(model, EvaluationCandidate.Source.SESSION));
        }
        for (ModelChoice model : libraryModels) {
            byKey.putIfAbsent(model.key(), new EvaluationCandidate(model, EvaluationCandidate.Source.LIBRARY));
        }

        // A chosen model keeps its place in the order; it now stands for the candidate listed under its path.
        List<ModelChoice> stillChosen = new ArrayList<>();
        for (ModelChoice model : chosen) {
            EvaluationCandidate candidate = byKey.get(model.key());
            if (candidate != null) {
                stillChosen.add(candidate.model());
            }
        }
        rebuilding = true;
        for (EvaluationCandidate candidate : byKey.values()) {
            candidate.chosenProperty().set(stillChosen.stream().anyMatch(m -> m.key().equals(candidate.model().key())));
            candidate.chosenProperty().addListener((property, before, now) -> choose(candidate, now));
        }
        candidates.setAll(byKey.values());
        chosen.setAll(stillChosen);
        rebuilding = false;
        rebuildReferenceOptions(byKey);
    }

    private void choose(EvaluationCandidate candidate, boolean now) {
        if (rebuilding) {
            return;
        }
        Path key = candidate.model().key();
        chosen.removeIf(model -> model.key().equals(key));
        if (now) {
            chosen.add(candidate.model());
        }
    }

    private void rebuildReferenceOptions(Map<Path, EvaluationCandidate> byKey) {
        ReferenceChoice current = reference.get();
        List<ReferenceChoice> options = new ArrayList<>(List.of(ReferenceChoice.FIRST, ReferenceChoice.NONE));
        ReferenceChoice restored = current.kind() == ReferenceChoice.Kind.MODEL ? null : current;
        for (EvaluationCandidate candidate : byKey.values()) {
            ReferenceChoice option = new ReferenceChoice(ReferenceChoice.Kind.MODEL, candidate.model());
            options.add(option);
            if (current.kind() == ReferenceChoice.Kind.MODEL && current.model().key().equals(candidate.model().key())) {
                restored = option;
            }
        }
        referenceOptions.setAll(options);
        reference.set(restored == null ? ReferenceChoice.FIRST : restored);
    }

    /** Returns the position of a candidate in the run order, from 0, or -1 when it is not chosen. */
    public int runPosition(EvaluationCandidate candidate) {
        for (int i = 0; i < chosen.size(); i++) {
            if (chosen.get(i).key().equals(candidate.model().key())) {
                return i;
            }
        }
        return -1;
    }

    public ObservableList<EvaluationCandidate> candidates() {
        return candidates;
    }

    /** Returns the chosen models in run order. */
    public ObservableList<ModelChoice> chosen() {
        return chosen;
    }

    public ObservableList<ReferenceChoice> referenceOptions() {
        return referenceOptions;
    }

    public ObjectProperty<ReferenceChoice> referenceProperty() {
        return reference;
    }
}
