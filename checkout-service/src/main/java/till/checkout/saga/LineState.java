package till.checkout.saga;

/**
 * Where one line stands with inventory. A CONFIRMED checkout's lines are COMMITTED: inventory sold each line when it
 * reserved it (ADR 17). COMMIT_REQUESTED is where a checkout-service from before ADR 17 left a CONFIRMED checkout's
 * lines after sending their commits (answered only when refused, ADR 16); COMMIT_REFUSED, such a commit refused, is a
 * broken invariant, never a rule's outcome.
 */
public enum LineState {
    REQUESTED,
    RESERVED,
    REJECTED,
    COMMIT_REQUESTED,
    COMMITTED,
    COMMIT_REFUSED,
    RELEASE_REQUESTED,
    RELEASED
}
