package till.contracts.inventory;

/** Why a reservation was refused. */
public enum StockRejectionReason {
    OUT_OF_STOCK,
    UNKNOWN_PRODUCT,
    /** The checkout's release arrived first: a late reservation must not resurrect it. */
    ALREADY_RELEASED,
    /**
     * The reservation quoted a unit price ({@code quotedUnitPriceMinor}) that is no longer the product's: nothing is
     * held, and the checkout, charged at the quote, is rejected and its charge reversed (ADR 10).
     */
    PRICE_CHANGED
}
