package till.checkout.saga;

import java.util.List;

/**
 * Told of the checkouts a transaction of the saga decided (CONFIRMED or REJECTED), once that transaction has
 * committed, in the thread that committed it: what a request waiting for one of them answers without reading it
 * back ({@code outcome.CheckoutOutcomes}). The database's notification still follows, for the other instances.
 */
@FunctionalInterface
public interface Decisions {

    /** Each checkout as its decision left it; the caller changes none of them afterwards. */
    void decided(List<Checkout> checkouts);
}
