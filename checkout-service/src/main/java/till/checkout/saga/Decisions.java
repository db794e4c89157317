package till.checkout.saga;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Told of the checkouts a transaction of the saga decided (CONFIRMED or REJECTED), once that transaction has
 * committed, in the thread that committed it: what a request waiting for one of them answers without reading it
 * back ({@code outcome.CheckoutOutcomes}). The database's notification still follows, for the other instances; it
 * may reach this instance's listener before the committing thread gets here, so the listener is told first, just
 * before the commit, which checkouts are about to be handed over.
 */
public interface Decisions {

    /** Just before the transaction deciding these checkouts commits. */
    void deciding(Collection<UUID> checkoutIds);

    /** Each checkout as its decision left it, once committed; the caller changes none of them afterwards. */
    void decided(List<Checkout> checkouts);

    /**
     * The transaction that was {@link #deciding} these did not commit; {@code maybeCommitted} when its outcome is
     * unknown (the connection was lost during the commit), so that a decision may yet be found in the database.
     */
    void notDecided(Collection<UUID> checkoutIds, boolean maybeCommitted);
}
