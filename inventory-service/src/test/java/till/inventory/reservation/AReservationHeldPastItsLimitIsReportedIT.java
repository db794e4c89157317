package till.inventory.reservation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import till.contracts.inventory.CommitStock;
import till.contracts.inventory.ReserveStock;
import till.inventory.InventoryHarness;

/**
 * ADR 16: a commit is no longer answered, so checkout-service cannot see that a CONFIRMED checkout's lines were
 * committed; inventory reports any reservation still held past {@code till.inventory.reservation.hold-limit} (90 s by
 * default), which a lost or stuck commit, or release, leaves behind. Since ADR 17 a reservation sells at once, so
 * only one an inventory from before it left held can be held, awaiting an older checkout-service's commit. The
 * harness sets the limit to an hour; this test ages a reservation past whatever the limit is.
 */
class AReservationHeldPastItsLimitIsReportedIT extends InventoryHarness {

    @Autowired
    ReservationProperties reservationProperties;

    @Test
    void aReservationHeldPastTheLimitIsReportedUntilItIsCommitted() {
        String product = "held-" + UUID.randomUUID();
        String checkout = "checkout-" + UUID.randomUUID();
        String young = "checkout-" + UUID.randomUUID();
        createProduct(product, 250, 10);
        holdAsBefore(checkout, product, 2);
        holdAsBefore(young, product, 1);
        String sold = "checkout-" + UUID.randomUUID();
        send(command(ReserveStock.TYPE, product, new ReserveStock(sold, product, 1)));
        await().atMost(PATIENCE).until(() -> row(product).onHand() == 9);
        String held = "reservation of 2 x " + product + " for checkout " + checkout;
        try {
            assertThat(invariants().toString())
                    .as("held for less than the limit")
                    .doesNotContain(product);

            // As if it had been made a second more than the limit ago.
            long agedSeconds = reservationProperties.holdLimit().toSeconds() + 1;
            jdbc.sql("""
                            UPDATE reservations SET created_at = now() - make_interval(secs => ?)
                            WHERE checkout_id = ? AND product_id = ?
                            """).params(agedSeconds, checkout, product).update();

            // A sale made as old, too: it is not held, so no age makes it a violation.
            jdbc.sql("""
                            UPDATE reservations SET created_at = now() - make_interval(secs => ?)
                            WHERE checkout_id = ? AND product_id = ?
                            """).params(agedSeconds, sold, product).update();

            assertThat(invariants().get("violations").toString())
                    .contains(held)
                    .doesNotContain("for checkout " + young)
                    .doesNotContain("for checkout " + sold);
        } finally {
            send(command(CommitStock.TYPE, product, new CommitStock(checkout, product)));
            send(command(CommitStock.TYPE, product, new CommitStock(young, product)));
        }
        await().atMost(PATIENCE).until(() -> row(product).reserved() == 0);
        assertThat(row(product).onHand())
                .as("10, less the sale and the 3 held units committed")
                .isEqualTo(6);
        assertThat(invariants().toString()).as("committed, so no longer held").doesNotContain(product);
    }
}
