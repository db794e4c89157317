package till.contracts.inventory;

/** Why a reservation was refused. */
public enum StockRejectionReason {
    OUT_OF_STOCK,
    UNKNOWN_PRODUCT,
    /** The checkout's release arrived first: a late reservation must not resurrect it. */
    ALREADY_RELEASED
}
