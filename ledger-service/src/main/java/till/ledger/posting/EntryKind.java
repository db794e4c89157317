package till.ledger.posting;

/** What an entry records; the business key of an entry is its kind and reference. */
public enum EntryKind {
    /** A checkout's charge (positive); reference is the checkout id. */
    SALE,
    /** The charge of a checkout taken back (negative); reference is the checkout id. */
    SALE_REVERSAL,
    /** A refund credited (negative); reference is the refund id. */
    REFUND,
    /** A payment received (negative); reference is the payment id. */
    PAYMENT,
    /** A manual correction (either sign). */
    ADJUSTMENT
}
