package dev.topiary.ui;

import javafx.scene.control.Alert;
import javafx.scene.control.TextArea;
import javafx.stage.Window;

/** The owned error dialog: one line on the cause, the fix below it, and the stack trace behind an expander. */
final class ErrorDialog {

    private ErrorDialog() {}

    /** Shows an error without waiting for the user to close it. */
    static Alert show(Window owner, UserError error) {
        Alert alert = new Alert(Alert.AlertType.ERROR);
        alert.initOwner(owner);
        alert.setTitle(error.title());
        alert.setHeaderText(error.cause());
        alert.setContentText(error.fix());
        alert.getDialogPane().setId("errorDialog");
        alert.getDialogPane().setPrefWidth(640);

        TextArea details = new TextArea(error.details());
        details.setEditable(false);
        details.setWrapText(false);
        details.setPrefRowCount(14);
        details.getStyleClass().add("monospace");
        alert.getDialogPane().setExpandableContent(details);
        alert.show();
        return alert;
    }
}
