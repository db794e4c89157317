package till.ledger.posting;

import java.util.Collection;
import java.util.List;

/** Serialises the postings of one customer for the rest of the current transaction. */
@FunctionalInterface
interface CustomerLock {

    /**
     * Locks every one of these customers, in one order that every transaction locking several shares, so two never
     * wait for each other in a cycle.
     */
    void lockForRestOfTransaction(Collection<String> customerIds);

    default void lockForRestOfTransaction(String customerId) {
        lockForRestOfTransaction(List.of(customerId));
    }
}
