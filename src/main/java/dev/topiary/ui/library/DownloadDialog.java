package dev.topiary.ui.library;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.regex.Pattern;
import javafx.application.Platform;
import javafx.fxml.FXML;
import javafx.fxml.FXMLLoader;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.stage.Window;

/** The "Download from Hub" dialog ({@code fxml/DownloadDialog.fxml}): a repo id and a revision to download. */
public final class DownloadDialog {

    /** The Hub's repo id syntax, as the downloader checks it: ORG/NAME of letters, digits, '.', '-' and '_'. */
    private static final Pattern REPO_ID = Pattern.compile("[\\w.-]+/[\\w.-]+");
    private static final Pattern REVISION = Pattern.compile("[\\w./-]+");

    /** A repo and revision to download. */
    public record Request(String repoId, String revision) {}

    @FXML
    private TextField repoIdField;
    @FXML
    private TextField revisionField;
    @FXML
    private Label validation;

    /**
     * Shows the dialog and waits for the user.
     *
     * @param suggestion values to start with, or null for an empty repo id and revision "main"
     * @return the request, or empty when the user cancelled
     */
    public static Optional<Request> ask(Window owner, Request suggestion) {
        FXMLLoader loader = new FXMLLoader(DownloadDialog.class.getResource("/fxml/DownloadDialog.fxml"));
        DialogPane pane;
        try {
            pane = loader.load();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load fxml/DownloadDialog.fxml from the classpath", e);
        }
        DownloadDialog controller = loader.getController();
        ButtonType download = new ButtonType("Download", ButtonBar.ButtonData.OK_DONE);
        pane.getButtonTypes().setAll(download, ButtonType.CANCEL);
        pane.lookupButton(download).setId("downloadConfirmButton");
        pane.lookupButton(download).disableProperty().bind(controller.validation.textProperty().isNotEmpty());
        if (suggestion != null) {
            controller.repoIdField.setText(suggestion.repoId());
            controller.revisionField.setText(suggestion.revision());
        }

        Dialog<Request> dialog = new Dialog<>();
        dialog.initOwner(owner);
        dialog.setTitle("Download from the Hugging Face Hub");
        dialog.setDialogPane(pane);
        dialog.setResultConverter(button -> button == download ? controller.request() : null);
        Platform.runLater(controller.repoIdField::requestFocus);
        return dialog.showAndWait();
    }

    @FXML
    private void initialize() {
        repoIdField.textProperty().addListener((property, before, now) -> validate());
        revisionField.textProperty().addListener((property, before, now) -> validate());
        validate();
    }

    private void validate() {
        String repoId = repoIdField.getText().strip();
        String revision = revisionField.getText().strip();
        if (repoId.isEmpty()) {
            validation.setText("Type a repo id, such as Qwen/Qwen2.5-0.5B.");
        } else if (!REPO_ID.matcher(repoId).matches()) {
            validation.setText("A repo id is ORG/NAME of letters, digits, '.', '-' and '_'.");
        } else if (!REVISION.matcher(revision).matches()) {
            validation.setText("Type a revision: a branch, tag or commit, such as main.");
        } else {
            validation.setText("");
        }
    }

    private Request request() {
        return new Request(repoIdField.getText().strip(), revisionField.getText().strip());
    }
}
