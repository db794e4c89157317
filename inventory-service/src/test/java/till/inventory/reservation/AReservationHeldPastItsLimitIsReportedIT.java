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
 * default), which a lost or stuck commit, or release, leaves behind. The harness sets the limit to an hour (its
 * other tests hold reservations on purpose); this test ages a reservation past whatever the limit is.
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
        send(command(ReserveStock.TYPE, product, new ReserveStock(checkout, product, 2)));
        send(command(ReserveStock.TYPE, product, new ReserveStock(young, product, 1)));
        await().atMost(PATIENCE).until(() -> row(product).reserved() == 3);
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

            assertThat(invariants().get("violations").toString())
                    .contains(held)
                    .doesNotContain("for checkout " + young);
        } finally {
            send(command(CommitStock.TYPE, product, new CommitStock(checkout, product)));
            send(command(CommitStock.TYPE, product, new CommitStock(young, product)));
        }
        await().atMost(PATIENCE).until(() -> row(product).reserved() == 0);
        assertThat(invariants().toString()).as("committed, so no longer held").doesNotContain(product);
    }
}
