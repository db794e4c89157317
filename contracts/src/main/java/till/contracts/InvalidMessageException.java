package till.contracts;

/**
 * A message that no retry can fix: unparseable, of an unknown type, or with invalid data. Listeners send it
 * straight to the dead-letter topic with this message as the reason.
 */
public class InvalidMessageException extends RuntimeException {

    public InvalidMessageException(String reason) {
        super(reason);
    }

    public InvalidMessageException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
