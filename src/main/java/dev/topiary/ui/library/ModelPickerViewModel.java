package dev.topiary.ui.library;

import dev.topiary.engine.ComputeDtype;
import dev.topiary.library.ModelEntry;
import java.util.List;
import java.util.Objects;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * State of the model picker: the library's models, the selected one and its memory check. Use it on the FX
 * thread only; the window's library jobs fill it.
 */
public final class ModelPickerViewModel {

    /** Shown while the library has no models. */
    public static final String EMPTY_TEXT = "No models in the library yet. Add them to models.cfg, download one "
            + "from the Hub, or open a folder or file below.";

    private final ObservableList<LibraryItem> items = FXCollections.observableArrayList();
    private final ObjectProperty<LibraryItem> selected = new SimpleObjectProperty<>(this, "selected");
    private final ReadOnlyObjectWrapper<MemoryCheck> memory = new ReadOnlyObjectWrapper<>(this, "memory");
    private final ReadOnlyStringWrapper memoryStatus = new ReadOnlyStringWrapper(this, "memoryStatus");
    private final ReadOnlyStringWrapper libraryStatus = new ReadOnlyStringWrapper(this, "libraryStatus", "");
    private final BooleanProperty expanded = new SimpleBooleanProperty(this, "expanded", true);
    private final ObjectProperty<DtypeChoice> dtypeChoice =
            new SimpleObjectProperty<>(this, "dtypeChoice", DtypeChoice.DEFAULT);
    private final StringBinding warning = Bindings.createStringBinding(
            () -> memory.get() == null ? null : memory.get().warning(), memory);
    private final BooleanBinding fitsOrUnknown = Bindings.createBooleanBinding(
            () -> memory.get() == null || memory.get().inferenceFits(), memory);

    public ModelPickerViewModel() {
        selected.addListener((property, before, now) -> {
            memory.set(null);
            if (now == null) {
                memoryStatus.set(null);
            } else if (now.isLocal()) {
                memoryStatus.set("Estimating memory…");
            } else {
                memoryStatus.set("Not on this machine: download it from the Hub to open it.");
            }
        });
    }

    /**
     * Replaces the list, keeping the selection on the model with the same name and path when it is still listed.
     *
     * @param status a line about the list, such as a models.cfg error, or empty
     */
    public void showItems(List<LibraryItem> newItems, String status) {
        LibraryItem previous = selected.get();
        items.setAll(newItems);
        libraryStatus.set(status);
        if (previous == null) {
            return;
        }
        LibraryItem same = newItems.stream().filter(item -> sameModel(item, previous)).findFirst().orElse(null);
        if (same == null) {
            selected.set(null);
        } else if (same != previous) {
            // The model is unchanged, only the list was read again, so its memory check still holds.
            MemoryCheck keptCheck = memory.get();
            String keptStatus = memoryStatus.get();
            selected.set(same);
            memory.set(keptCheck);
            memoryStatus.set(keptStatus);
        }
    }

    /** Selects the first listed model with this path, if any. */
    public void selectPath(java.nio.file.Path path) {
        items.stream().filter(item -> Objects.equals(item.path(), path)).findFirst().ifPresent(selected::set);
    }

    private static boolean sameModel(LibraryItem a, LibraryItem b) {
        return a.name().equals(b.name()) && a.entry().origin() == b.entry().origin()
                && Objects.equals(a.path(), b.path());
    }

    /** Shows the memory check of a model, unless another model was selected meanwhile. */
    public void showMemory(LibraryItem item, MemoryCheck check) {
        if (selected.get() == item) {
            memory.set(check);
            memoryStatus.set(null);
        }
    }

    /** Shows why the memory of a model cannot be estimated, unless another model was selected meanwhile. */
    public void showMemoryUnavailable(LibraryItem item, String reason) {
        if (selected.get() == item) {
            memory.set(null);
            memoryStatus.set(reason);
        }
    }

    /** Returns whether the picker is unfolded; the window folds it once a model is open, and the user unfolds it. */
    public BooleanProperty expandedProperty() {
        return expanded;
    }

    /** Returns the dtype chosen in the window. {@link DtypeChoice#DEFAULT} leaves it to models.cfg and settings. */
    public ObjectProperty<DtypeChoice> dtypeChoiceProperty() {
        return dtypeChoice;
    }

    /**
     * Returns the dtype to open a model in: the window's choice, else the models.cfg entry's dtype, else the
     * {@code topiary.dtype} system property, else auto.
     *
     * @param entry the library entry, or null for a path typed or chosen in a file dialog
     */
    public ComputeDtype dtypeFor(ModelEntry entry) {
        return ComputeDtype.firstOf(dtypeChoice.get().request(), entry == null ? null : entry.dtype());
    }

    public ObservableList<LibraryItem> items() {
        return items;
    }

    public ObjectProperty<LibraryItem> selectedProperty() {
        return selected;
    }

    /** Returns the selected model's memory check, or null while it is unknown. */
    public ReadOnlyObjectProperty<MemoryCheck> memoryProperty() {
        return memory.getReadOnlyProperty();
    }

    /**
     * Returns a line in place of the memory check (estimating, not downloaded, unreadable), or null, as before
     * the first selection, when the list alone says enough.
     */
    public ReadOnlyStringProperty memoryStatusProperty() {
        return memoryStatus.getReadOnlyProperty();
    }

    /** Returns a line about the list as a whole, such as an invalid models.cfg line; empty when all is well. */
    public ReadOnlyStringProperty libraryStatusProperty() {
        return libraryStatus.getReadOnlyProperty();
    }

    /** Returns the memory warning of the selected model, or null. */
    public StringBinding warning() {
        return warning;
    }

    /** Returns false only when the selected model's inference estimate is known not to fit. */
    public BooleanBinding fitsOrUnknown() {
        return fitsOrUnknown;
    }
}
