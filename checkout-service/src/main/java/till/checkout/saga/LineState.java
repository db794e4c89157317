package till.checkout.saga;

/** Where one line stands with inventory. */
public enum LineState {
    REQUESTED,
    RESERVED,
    REJECTED,
    COMMIT_REQUESTED,
    COMMITTED,
    RELEASE_REQUESTED,
    RELEASED
}
