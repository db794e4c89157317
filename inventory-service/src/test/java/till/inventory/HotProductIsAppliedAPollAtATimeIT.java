package till.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import till.contracts.inventory.ReleaseStock;
import till.contracts.inventory.ReserveStock;
import till.contracts.inventory.StockLevelChanged;
import till.platform.kafka.Topics;
import tools.jackson.databind.JsonNode;

/**
 * A hot product's queued commands are applied a poll at a time: one transaction and one lock for many sales,
 * still in arrival order and each exactly once.
 */
class HotProductIsAppliedAPollAtATimeIT extends InventoryHarness {

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Test
    void queuedReservationsForOneProductShareAFewTransactionsInArrivalOrder() {
        String productId = "hot-" + UUID.randomUUID();
        String late = "late-" + productId;
        createProduct(productId, 100, 150);
        MessageListenerContainer container = listeners.getListenerContainer("inventory-commands");
        container.pause();
        try {
            await().atMost(PATIENCE).until(container::isPauseRequested);
            for (int i = 0; i < 200; i++) {
                send(command(ReserveStock.TYPE, productId, new ReserveStock("cashier-" + i, productId, 1)));
            }
            // Released before it is reserved, in the same poll: the marker must refuse the reservation that follows.
            send(command(ReleaseStock.TYPE, productId, new ReleaseStock(late, productId)));
            send(command(ReserveStock.TYPE, productId, new ReserveStock(late, productId, 1)));
        } finally {
            container.resume();
        }

        // 150 reservations and the release marker; the 50 cashiers too late and the late reservation get none.
        await().atMost(PATIENCE)
                .until(() -> count("SELECT count(*) FROM reservations WHERE product_id = ?", productId) == 151);

        assertThat(row(productId))
                .as("all 150 sold at their reservations (ADR 17)")
                .isEqualTo(new Row(0, 0, 151));
        assertThat(count(
                        "SELECT max(split_part(checkout_id, '-', 2)::int) FROM reservations"
                                + " WHERE product_id = ? AND state = 'COMMITTED'",
                        productId))
                .as("arrival order decides who got the stock: the first 150 cashiers")
                .isEqualTo(149);
        assertThat(count(
                        "SELECT count(*) FROM reservations WHERE checkout_id = ? AND state = 'RELEASED' AND quantity = 0",
                        late))
                .isEqualTo(1);
        assertThat(count("SELECT count(DISTINCT created_at) FROM reservations WHERE product_id = ?", productId))
                .as("150 reservations in a few polls, not one transaction each")
                .isLessThan(10);
        try (TopicTap events = new TopicTap(Topics.INVENTORY_EVENTS)) {
            long transactions = count(
                    "SELECT count(DISTINCT created_at) FROM reservations WHERE product_id = ? AND state = 'COMMITTED'",
                    productId);
            List<JsonNode> facts = await().atMost(PATIENCE)
                    .until(
                            () -> events.events(Set.of(productId)).stream()
                                    .filter(e -> e.type().equals(StockLevelChanged.TYPE))
                                    .map(Seen::data)
                                    .filter(data -> data.get("cause").asString().startsWith("sold to"))
                                    .toList(),
                            found -> !found.isEmpty()
                                    && found.getLast().get("version").asLong() == 151);
            assertThat(facts)
                    .as("one StockLevelChanged per transaction that reserved, each with the level it committed")
                    .hasSize((int) transactions);
            assertThat(facts)
                    .extracting(f -> f.get("version").asLong())
                    .isSorted()
                    .doesNotHaveDuplicates();
            JsonNode last = facts.getLast();
            assertThat(List.of(
                            last.get("onHand").asLong(),
                            last.get("reserved").asLong(),
                            last.get("available").asLong()))
                    .containsExactly(0L, 0L, 0L);
        }
        var report = invariants();
        assertThat(report.get("sound").asBoolean()).as(report.toString()).isTrue();
    }

    private long count(String sql, String param) {
        Long value = jdbc.sql(sql).param(param).query(Long.class).single();
        return value == null ? 0 : value;
    }
}
