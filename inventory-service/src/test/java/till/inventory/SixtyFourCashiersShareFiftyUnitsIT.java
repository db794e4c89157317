package till.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import till.contracts.inventory.ReserveStock;
import till.contracts.inventory.StockRejected;
import till.contracts.inventory.StockReserved;
import till.platform.kafka.Topics;

/**
 * The seed failure at scale, as the consumer sees it: 64 cashiers press "Complete sale" at once on a product with 50
 * units. Their reservations share the product's key, so one consumer applies them in partition order: this checks
 * the decisions and the answers, not the lock (no two writers meet here). The lock's races are
 * {@code product.WritersRacingForOneProductIT} and {@code product.UnlockedStockWritesAreCaughtByTheInvariantsIT}.
 */
class SixtyFourCashiersShareFiftyUnitsIT extends InventoryHarness {

    @Test
    void exactlyFiftyAreReservedAndTheRestAreOutOfStock() {
        String productId = "rush-" + UUID.randomUUID();
        createProduct(productId, 250, 50);
        List<String> checkouts = IntStream.range(0, 64)
                .mapToObj(i -> "checkout-" + i + "-" + UUID.randomUUID())
                .toList();
        Set<String> keys = Set.copyOf(checkouts);

        try (TopicTap replies = new TopicTap(Topics.CHECKOUT_REPLIES)) {
            checkouts.parallelStream()
                    .forEach(checkoutId ->
                            send(command(ReserveStock.TYPE, productId, new ReserveStock(checkoutId, productId, 1))));

            await().atMost(PATIENCE).until(() -> replies.events(keys).size() >= 64);
            // Every reservation decided and answered: a 65th answer (one applied twice) would be on the topic now.
            await().atMost(PATIENCE).until(() -> unsentOutboxRows() == 0);
            List<Seen> answers = replies.eventsToEnd(keys);

            assertThat(answers).hasSize(64);
            assertThat(answers.stream().map(Seen::key).collect(Collectors.toSet()))
                    .as("one answer per cashier")
                    .hasSize(64);
            List<Seen> reserved = answers.stream()
                    .filter(a -> a.type().equals(StockReserved.TYPE))
                    .toList();
            List<Seen> rejected = answers.stream()
                    .filter(a -> a.type().equals(StockRejected.TYPE))
                    .toList();
            assertThat(reserved).hasSize(50);
            assertThat(reserved).allSatisfy(a -> {
                assertThat(a.data().get("quantity").asInt()).isEqualTo(1);
                assertThat(a.data().get("unitPriceMinor").asLong()).isEqualTo(250);
            });
            assertThat(rejected).hasSize(14);
            assertThat(rejected)
                    .allSatisfy(
                            a -> assertThat(a.data().get("reason").asString()).isEqualTo("OUT_OF_STOCK"));
        }

        Row row = row(productId);
        assertThat(row.onHand())
                .as("every unit sold at its reservation (ADR 17)")
                .isZero();
        assertThat(row.reserved()).isZero();
        assertThat(row.version())
                .as("created at 1, moved by each of the 50 reservations")
                .isEqualTo(51);
        assertThat(jdbc.sql("SELECT count(*) FROM reservations WHERE product_id = ? AND state = 'COMMITTED'")
                        .param(productId)
                        .query(Long.class)
                        .single())
                .isEqualTo(50);
        var report = invariants();
        assertThat(report.get("sound").asBoolean()).as(report.toString()).isTrue();
    }
}
