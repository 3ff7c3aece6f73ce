package dev.topiary.ui.pruning;

import java.util.function.Function;
import java.util.function.Predicate;
import javafx.beans.property.ObjectProperty;
import javafx.scene.control.ListCell;
import javafx.scene.control.Toggle;
import javafx.scene.control.ToggleGroup;
import javafx.util.StringConverter;

/** Bindings and cells for the Prune tab's radio buttons and choosers. */
final class ChoiceControls {

    private ChoiceControls() {}

    /** Binds a group of radio buttons to an enum property, both ways: pairs of button and value. */
    static <E> void bindToggles(ToggleGroup group, ObjectProperty<E> property, Object... pairs) {
        for (int i = 0; i < pairs.length; i += 2) {
            ((Toggle) pairs[i]).setUserData(pairs[i + 1]);
        }
        Runnable select = () -> group.getToggles().stream()
                .filter(toggle -> toggle.getUserData() == property.get()).findFirst()
                .ifPresent(group::selectToggle);
        group.selectedToggleProperty().addListener((observable, before, now) -> {
            if (now != null) {
                @SuppressWarnings("unchecked")
                E value = (E) now.getUserData();
                property.set(value);
            }
        });
        property.addListener(observable -> select.run());
        select.run();
    }

    static <T> StringConverter<T> converter(Function<T, String> text) {
        return new StringConverter<>() {
            @Override
            public String toString(T value) {
                return value == null ? "" : text.apply(value);
            }

            @Override
            public T fromString(String string) {
                throw new UnsupportedOperationException("The chooser is not editable");
            }
        };
    }

    /** Returns a list cell that greys out and disables the items not available now. */
    static <T> ListCell<T> availabilityCell(Function<T, String> text, Predicate<T> available) {
        return new ListCell<>() {
            @Override
            protected void updateItem(T item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty || item == null ? null : text.apply(item));
                setDisable(!empty && item != null && !available.test(item));
            }
        };
    }
}
