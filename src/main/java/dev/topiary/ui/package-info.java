/**
 * The Topiary window: the application, the main view and its view model, background jobs, error dialogs and
 * saved window settings. Each tab of the centre pane lives in a subpackage, such as
 * {@link dev.topiary.ui.activations}.
 *
 * <p>The view ({@code fxml/MainView.fxml} with {@link dev.topiary.ui.MainView}) only binds controls to
 * {@link dev.topiary.ui.MainViewModel}. The view model runs every engine call through one
 * {@link dev.topiary.ui.JobRunner} as a {@code javafx.concurrent.Task}, and {@link dev.topiary.ui.InferenceService}
 * turns engine results into plain Java values, so no class here touches a DJL array.
 */
package dev.topiary.ui;
