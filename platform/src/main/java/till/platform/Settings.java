package till.platform;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Checks for the compact constructors of {@code @ConfigurationProperties} records: a setting that would let a
 * service start and then spin, stall or never retry stops it at start, naming the property.
 */
public final class Settings {

    private Settings() {}

    public static int positive(String property, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(property + " must be positive, not " + value);
        }
        return value;
    }

    public static int notNegative(String property, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(property + " must not be negative, not " + value);
        }
        return value;
    }

    public static Duration positive(String property, @Nullable Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(property + " must be a positive duration, not " + value);
        }
        return value;
    }

    public static Duration notNegative(String property, @Nullable Duration value) {
        if (value == null || value.isNegative()) {
            throw new IllegalArgumentException(property + " must not be a negative duration, not " + value);
        }
        return value;
    }
}
