package till.contracts.ledger;

/** Why a charge was refused. */
public enum ChargeRejectionReason {
    CREDIT_LIMIT_EXCEEDED,
    UNKNOWN_CUSTOMER,
    /** The checkout's reversal arrived first: a late charge must not be posted. */
    ALREADY_REVERSED
}
