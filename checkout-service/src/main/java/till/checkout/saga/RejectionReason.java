package till.checkout.saga;

/** Why a checkout was rejected, as the SPEC names it. */
public enum RejectionReason {
    OUT_OF_STOCK,
    UNKNOWN_PRODUCT,
    CREDIT_LIMIT_EXCEEDED,
    UNKNOWN_CUSTOMER,
    TIMED_OUT,
    /** A line's price changed after the checkout quoted it (ADR 10): the till may sell again at the new price. */
    PRICE_CHANGED
}
