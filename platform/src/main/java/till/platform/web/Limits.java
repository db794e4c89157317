package till.platform.web;

/**
 * The bounds of what a request may ask for (docs/SPEC.md, Limits), so that no accepted request can overflow a sum
 * downstream: the largest checkout ({@link #MAX_LINES} lines of {@link #MAX_QUANTITY} units at
 * {@link #MAX_AMOUNT_MINOR}) totals 10^18 minor units, under PostgreSQL's {@code bigint} and Java's {@code long}.
 */
public final class Limits {

    /** Lines in one checkout or one refund. */
    public static final int MAX_LINES = 100;

    /** Units of one line. */
    public static final int MAX_QUANTITY = 10_000;

    /** A price, a credit limit or a payment, in minor units: ten billion in major units. */
    public static final long MAX_AMOUNT_MINOR = 1_000_000_000_000L;

    /** Units on hand of one product, and the size of one stock adjustment either way. */
    public static final long MAX_STOCK = 1_000_000_000L;

    private Limits() {}
}
