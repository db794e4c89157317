package till.checkout.saga;

/** Where the checkout's one charge stands with the ledger. */
public enum ChargeState {
    NONE,
    REQUESTED,
    POSTED,
    REJECTED,
    REVERSAL_REQUESTED,
    REVERSED
}
