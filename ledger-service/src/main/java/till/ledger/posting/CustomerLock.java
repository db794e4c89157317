package till.ledger.posting;

/** Serialises the postings of one customer for the rest of the current transaction. */
@FunctionalInterface
interface CustomerLock {

    void lockForRestOfTransaction(String customerId);
}
