package till.contracts;

import org.jspecify.annotations.Nullable;

/**
 * A message that no retry can fix: unparseable, of an unknown type, or with invalid data. Listeners send it
 * straight to the dead-letter topic with this message as the reason.
 */
public class InvalidMessageException extends RuntimeException {

    public InvalidMessageException(String reason) {
        super(reason);
    }

    /** @param reason why, or null to give the cause's own description as the reason */
    public InvalidMessageException(@Nullable String reason, Throwable cause) {
        super(reason == null ? cause.toString() : reason, cause);
    }
}
