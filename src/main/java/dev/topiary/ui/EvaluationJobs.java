package dev.topiary.ui;

import dev.topiary.engine.ComputeDtype;
import dev.topiary.evaluation.ResultTable;
import dev.topiary.ui.evaluation.EvaluationCommands;
import dev.topiary.ui.evaluation.EvaluationPlan;
import dev.topiary.ui.evaluation.EvaluationReport;
import dev.topiary.ui.evaluation.EvaluationViewModel;
import dev.topiary.ui.evaluation.ModelChoice;
import dev.topiary.ui.library.LibraryItem;
import dev.topiary.ui.library.ModelPickerViewModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javafx.collections.ListChangeListener;
import javafx.concurrent.Task;

/**
 * The window's side of the Evaluate tab: keeps its candidates in step with the open model and the library, runs
 * evaluations and exports their table. Use it on the FX thread only.
 */
final class EvaluationJobs extends StageJobs implements EvaluationCommands {

    private final InferenceService inference;
    private final EvaluationViewModel view;

    EvaluationJobs(MainViewModel main, InferenceService inference, UiSettings settings, EvaluationViewModel view,
            ModelPickerViewModel picker) {
        super(main, settings);
        this.inference = inference;
        this.view = view;
        main.modelProperty().addListener((property, before, summary) -> view.candidates().setOpenModel(
                summary == null ? null : new ModelChoice(summary.name(), summary.source(), null, true)));
        picker.items().addListener((ListChangeListener<LibraryItem>) change ->
                view.candidates().setLibraryModels(localModels(picker.items())));
    }

    private static List<ModelChoice> localModels(List<LibraryItem> items) {
        return items.stream().filter(LibraryItem::isLocal)
                .map(item -> new ModelChoice(item.name(), item.path(), item.entry().tokenizer(), false,
                        item.entry().dtype())).toList();
    }

    /** Adds a model folder of this session, such as a pruned model just exported, to the candidates and ticks it. */
    void addSessionModel(Path folder) {
        Path absolute = folder.toAbsolutePath().normalize();
        String name = absolute.getFileName() == null ? absolute.toString() : absolute.getFileName().toString();
        view.candidates().addSessionModel(new ModelChoice(name, absolute, null, false));
    }

    @Override
    public void run() {
        if (main.busyProperty().get()) {
            return;
        }
        EvaluationPlan plan;
        try {
            plan = view.plan();
        } catch (IllegalArgumentException e) {
            main.reportError("Evaluate failed", e);
            return;
        }
        long started = System.nanoTime();
        ComputeDtype windowDtype = main.modelPicker().dtypeChoiceProperty().get().request();
        EvaluationTask task = new EvaluationTask(inference, main.loadedModel(), plan, windowDtype, partial -> {
            view.show(partial);
            main.showStatus("Evaluate cancelled after " + partial.rows().size() + " of "
                    + Counts.of(partial.modelsRequested(), "model") + "; the results show those");
        });
        main.startJob(task, "Evaluate", report -> {
            view.show(report);
            return String.format(Locale.ROOT, "Evaluated %s on %s in %s", Counts.of(report.rows().size(), "model"),
                    report.textSet(), CaptureTask.formatDuration((System.nanoTime() - started) / 1e9));
        });
    }

    @Override
    public void cancel() {
        main.cancelShortJob();
    }

    @Override
    public void exportTable(Path file, String format) {
        EvaluationReport report = view.reportProperty().get();
        if (report == null || main.busyProperty().get()) {
            return;
        }
        String table = ResultTable.format(report.tableRows(), format);
        Task<Path> task = new Task<>() {
            {
                updateTitle("Export table");
                updateMessage("Writing " + file);
                updateProgress(-1, 1);
            }

            @Override
            protected Path call() throws Exception {
                return Files.writeString(file, table, StandardCharsets.UTF_8);
            }
        };
        main.startJob(task, "Export table", written -> "Wrote the evaluation table to " + written);
    }
}
