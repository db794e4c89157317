package till.checkout.saga;

/**
 * Where one line stands with inventory. A CONFIRMED checkout's lines end COMMIT_REQUESTED: inventory answers a
 * commit only when it refuses it (ADR 16), and COMMITTED is reached only through a {@code StockCommitted} from an
 * inventory that still answers every commit. COMMIT_REFUSED is a broken invariant, never a rule's outcome.
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
