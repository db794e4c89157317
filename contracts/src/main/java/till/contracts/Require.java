package till.contracts;

import org.jspecify.annotations.Nullable;

/** Checks used in the compact constructors of message records, so an invalid message cannot be built. */
public final class Require {

    private Require() {}

    public static String text(@Nullable String value, String field) {
        if (value == null || value.isBlank()) {
            throw new InvalidMessageException("field '" + field + "' is missing or blank");
        }
        return value;
    }

    public static long positive(@Nullable Long value, String field) {
        if (value == null || value <= 0) {
            throw new InvalidMessageException("field '" + field + "' must be a positive integer, was " + value);
        }
        return value;
    }

    public static int positive(@Nullable Integer value, String field) {
        if (value == null || value <= 0) {
            throw new InvalidMessageException("field '" + field + "' must be a positive integer, was " + value);
        }
        return value;
    }

    public static long notNegative(@Nullable Long value, String field) {
        if (value == null || value < 0) {
            throw new InvalidMessageException("field '" + field + "' must be an integer of at least 0, was " + value);
        }
        return value;
    }

    /** An optional field: absent is fine, present must be at least 0. */
    public static @Nullable Long notNegativeIfPresent(@Nullable Long value, String field) {
        return value == null ? null : notNegative(value, field);
    }

    public static <T> T present(@Nullable T value, String field) {
        if (value == null) {
            throw new InvalidMessageException("field '" + field + "' is missing");
        }
        return value;
    }
}
