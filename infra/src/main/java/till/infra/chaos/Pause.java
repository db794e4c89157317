package till.infra.chaos;

import java.time.Duration;
import java.time.Instant;

/** The run's pauses: a till's pace, a fault's length, a retry's back-off. Interrupted, it ends the pause early. */
final class Pause {

    private Pause() {}

    static void of(Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            return;
        }
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static void until(Instant instant) {
        of(Duration.between(Instant.now(), instant));
    }
}
