package dev.topiary.ui.library;

import dev.topiary.library.MemoryEstimate;
import dev.topiary.ui.FullTextTooltips;
import java.util.Locale;
import java.util.Optional;
import javafx.beans.binding.Bindings;
import javafx.css.PseudoClass;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The model picker of the left panel ({@code fxml/ModelPickerPanel.fxml}): the library's models labelled by
 * origin and size, the selected model's memory estimate against the free memory, and Open and Download buttons.
 */
public final class ModelPickerPanel {

    private static final PseudoClass OPENS = PseudoClass.getPseudoClass("opens");

    private final ModelPickerViewModel viewModel;
    private final ModelLibraryCommands commands;

    @FXML
    private TitledPane libraryPane;
    @FXML
    private ListView<LibraryItem> libraryList;
    @FXML
    private Label libraryStatus;
    @FXML
    private GridPane memoryGrid;
    @FXML
    private Label inferenceMemory;
    @FXML
    private Label captureMemory;
    @FXML
    private Label trainingMemory;
    @FXML
    private Label freeMemory;
    @FXML
    private Label memoryShapes;
    @FXML
    private Label memoryStatus;
    @FXML
    private Label memoryWarning;
    @FXML
    private ChoiceBox<DtypeChoice> dtypeChoice;
    @FXML
    private Button openSelectedButton;
    @FXML
    private Button downloadButton;
    @FXML
    private Button refreshButton;

    public ModelPickerPanel(ModelPickerViewModel viewModel, ModelLibraryCommands commands) {
        this.viewModel = viewModel;
        this.commands = commands;
    }

    @FXML
    private void initialize() {
        FullTextTooltips.install(libraryStatus, memoryStatus);
        libraryPane.expandedProperty().bindBidirectional(viewModel.expandedProperty());
        libraryPane.textProperty().bind(Bindings.createStringBinding(() -> "Library: " + viewModel.items().size()
                + (viewModel.items().size() == 1 ? " model" : " models"), viewModel.items()));
        libraryList.setItems(viewModel.items());
        libraryList.setCellFactory(list -> new LibraryCell());
        Label empty = new Label(ModelPickerViewModel.EMPTY_TEXT);
        empty.setWrapText(true);
        empty.getStyleClass().add("hint");
        libraryList.setPlaceholder(empty);
        libraryList.getSelectionModel().selectedItemProperty().addListener((property, before, item) ->
                viewModel.selectedProperty().set(item));
        viewModel.selectedProperty().addListener((property, before, item) -> {
            if (libraryList.getSelectionModel().getSelectedItem() != item) {
                libraryList.getSelectionModel().select(item);
            }
        });
        libraryList.setOnMouseClicked(event -> {
            if (event.getClickCount() == 2 && !openSelectedButton.isDisabled()) {
                commands.openSelected();
            }
        });
        libraryStatus.textProperty().bind(viewModel.libraryStatusProperty());
        libraryStatus.visibleProperty().bind(viewModel.libraryStatusProperty().isNotEmpty());
        libraryStatus.managedProperty().bind(libraryStatus.visibleProperty());
        bindMemory();
        dtypeChoice.getItems().setAll(DtypeChoice.values());
        dtypeChoice.valueProperty().bindBidirectional(viewModel.dtypeChoiceProperty());
        dtypeChoice.disableProperty().bind(commands.busyProperty());

        openSelectedButton.disableProperty().bind(commands.busyProperty()
                .or(Bindings.createBooleanBinding(() -> viewModel.selectedProperty().get() == null
                        || !viewModel.selectedProperty().get().isLocal(), viewModel.selectedProperty()))
                .or(viewModel.fitsOrUnknown().not()));
        downloadButton.disableProperty().bind(commands.busyProperty());
        refreshButton.disableProperty().bind(commands.busyProperty());
    }

    private void bindMemory() {
        var memory = viewModel.memoryProperty();
        memoryGrid.visibleProperty().bind(memory.isNotNull());
        memoryGrid.managedProperty().bind(memoryGrid.visibleProperty());
        inferenceMemory.textProperty().bind(Bindings.createStringBinding(() -> memory.get() == null ? ""
                : fitText(memory.get().inferenceBytes(), memory.get().inferenceFits()), memory));
        captureMemory.textProperty().bind(Bindings.createStringBinding(() -> memory.get() == null ? ""
                : fitText(memory.get().captureBytes(), memory.get().captureFits()), memory));
        trainingMemory.textProperty().bind(Bindings.createStringBinding(() -> memory.get() == null ? ""
                : fitText(memory.get().trainingBytes(), memory.get().trainingFits()), memory));
        memoryShapes.textProperty().bind(Bindings.createStringBinding(() -> memory.get() == null ? ""
                : String.format(Locale.ROOT, "Estimated in %s for 1 \u00d7 %d tokens; training in float32 for "
                        + "%d \u00d7 %d tokens with AdamW.", memory.get().dtype(), memory.get().sequence(),
                        MemoryCheck.TRAINING_BATCH, memory.get().trainingSequence()), memory));
        freeMemory.textProperty().bind(Bindings.createStringBinding(() -> memory.get() == null ? ""
                : MemoryEstimate.format(memory.get().freeBytes()) + " on " + memory.get().device(), memory));

        memoryStatus.textProperty().bind(viewModel.memoryStatusProperty());
        memoryStatus.visibleProperty().bind(viewModel.memoryStatusProperty().isNotEmpty());
        memoryStatus.managedProperty().bind(memoryStatus.visibleProperty());
        memoryWarning.textProperty().bind(viewModel.warning());
        memoryWarning.visibleProperty().bind(viewModel.warning().isNotEmpty());
        memoryWarning.managedProperty().bind(memoryWarning.visibleProperty());
        // Amber when the model opens but a capture or training would not fit; red when it cannot open.
        memory.addListener((property, before, check) -> memoryWarning.pseudoClassStateChanged(OPENS,
                check != null && check.inferenceFits()));
    }

    /** Formats one estimate with a tick when it fits in the free memory and a cross when not: "1.2 MiB ✓". */
    private static String fitText(long bytes, boolean fits) {
        return MemoryEstimate.format(bytes) + (fits ? "  \u2713" : "  \u2717 too large");
    }

    @FXML
    private void onOpenSelected() {
        commands.openSelected();
    }

    @FXML
    private void onRefresh() {
        commands.refresh();
    }

    @FXML
    private void onDownload() {
        LibraryItem selected = viewModel.selectedProperty().get();
        // A Hub model of models.cfg that is not downloaded yet fills in the dialog.
        DownloadDialog.Request suggestion = selected != null && !selected.isLocal() && selected.entry().repoId() != null
                ? new DownloadDialog.Request(selected.entry().repoId(), selected.entry().revision())
                : null;
        Optional<DownloadDialog.Request> request = DownloadDialog.ask(libraryList.getScene().getWindow(), suggestion);
        request.ifPresent(chosen -> commands.download(chosen.repoId(), chosen.revision()));
    }

    /** Shows a model's name and origin on the first line, its size and source in grey below, its note as a tooltip. */
    private static final class LibraryCell extends ListCell<LibraryItem> {
        private final Label name = new Label();
        private final Label origin = new Label();
        private final Label details = new Label();
        private final Tooltip tooltip = new Tooltip();
        private final HBox layout;

        LibraryCell() {
            name.getStyleClass().add("library-name");
            origin.getStyleClass().add("origin-tag");
            origin.setMinWidth(Region.USE_PREF_SIZE);
            details.getStyleClass().add("library-details");
            Region spacer = new Region();
            HBox.setHgrow(spacer, Priority.ALWAYS);
            HBox firstLine = new HBox(6, name, spacer, origin);
            VBox lines = new VBox(1, firstLine, details);
            HBox.setHgrow(lines, Priority.ALWAYS);
            layout = new HBox(lines);
            // Let long paths end in an ellipsis instead of widening the side panel.
            layout.setMinWidth(0);
            layout.setPrefWidth(0);
        }

        @Override
        protected void updateItem(LibraryItem item, boolean empty) {
            super.updateItem(item, empty);
            if (empty || item == null) {
                setGraphic(null);
                setText(null);
                setTooltip(null);
                return;
            }
            name.setText(item.name());
            origin.setText(item.originLabel());
            details.setText(item.sizeText() + "  \u00b7  " + item.sourceText());
            String note = item.entry().note();
            tooltip.setText((note == null || note.isBlank() ? "" : note + "\n") + item.sourceText());
            setTooltip(tooltip);
            setGraphic(layout);
            setText(null);
        }
    }
}
