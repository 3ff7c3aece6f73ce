package dev.topiary.ui.pruning;

import dev.topiary.ui.Counts;
import java.util.Locale;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.stage.Window;

/** The owned dialog that reports a finished export and offers to open the exported model. */
final class ExportDialog {

    private ExportDialog() {}

    /** Shows that an export finished, without waiting, and opens the exported model if the user chooses to. */
    static void offerToOpen(Window owner, ExportOutcome outcome, PruneCommands commands) {
        ButtonType open = new ButtonType("Open the exported model", ButtonBar.ButtonData.OK_DONE);
        ButtonType keep = new ButtonType("Keep the current model", ButtonBar.ButtonData.CANCEL_CLOSE);
        Alert alert = new Alert(Alert.AlertType.INFORMATION, null, open, keep);
        alert.initOwner(owner);
        alert.setTitle("Export finished");
        alert.setHeaderText("Exported the pruned model to " + outcome.folder());
        alert.setContentText(String.format(Locale.ROOT, "%s parameters, intermediate_size %d, %s. Open it in the "
                + "window now? The model open now is closed.", PlanSizes.formatCount(outcome.parameters()),
                outcome.intermediateSize(), Counts.of(outcome.layers(), "layer")));
        alert.getDialogPane().setId("exportDoneDialog");
        alert.getDialogPane().setPrefWidth(600);
        alert.setOnHidden(event -> {
            if (alert.getResult() == open) {
                commands.openModel(outcome.folder());
            }
        });
        alert.show();
    }
}
