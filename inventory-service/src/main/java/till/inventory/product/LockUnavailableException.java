package till.inventory.product;

/**
 * The product stayed locked by another writer for the whole retry budget. Loud on purpose: a Kafka command is
 * retried by the listener's error policy and then dead-lettered; a REST call answers 503 with Retry-After.
 */
public class LockUnavailableException extends RuntimeException {

    public LockUnavailableException(String productId, int attempts, Throwable cause) {
        super("product " + productId + " stayed locked by another writer through " + attempts + " attempts", cause);
    }
}
