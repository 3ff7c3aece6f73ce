package dev.topiary.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses a count option that must be at least 1, such as --batch-size. Picocli prefixes the message with the
 * option's name.
 */
final class PositiveInteger implements ITypeConverter<Integer> {

    @Override
    public Integer convert(String value) {
        int parsed;
        try {
            parsed = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a whole number. Use 1 or more.");
        }
        if (parsed < 1) {
            throw new TypeConversionException("must be at least 1, got " + parsed + ".");
        }
        return parsed;
    }
}
