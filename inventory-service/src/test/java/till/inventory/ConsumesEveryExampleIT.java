package till.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import till.contracts.inventory.AdjustStock;
import till.contracts.inventory.CommitStock;
import till.contracts.inventory.ReleaseStock;
import till.contracts.inventory.ReserveStock;
import till.contracts.inventory.ReturnStock;
import till.contracts.inventory.StockReleased;
import till.contracts.inventory.StockReserved;
import till.contracts.inventory.StockReturned;
import till.platform.kafka.Topics;
import till.testsupport.ContractExamples;
import tools.jackson.databind.JsonNode;

/**
 * The consumer side of the contract: the contracts' example of every command on {@code inventory.commands}, sent
 * as it is, goes through the real listener and is applied as the SPEC says (a reply for each, the stock moved by
 * the adjustment, the reservation, which sells at once (ADR 17), and the return), none dead-lettered.
 */
class ConsumesEveryExampleIT extends InventoryHarness {

    /** In the order a product sees them: counted up, reserved, committed, another checkout's release, returned. */
    private static final List<String> CONSUMED =
            List.of(AdjustStock.TYPE, ReserveStock.TYPE, CommitStock.TYPE, ReleaseStock.TYPE, ReturnStock.TYPE);

    @Test
    void everyExampleCommandIsApplied() {
        List<JsonNode> examples = CONSUMED.stream()
                .map(t -> mapper.readTree(ContractExamples.of(t)))
                .toList();
        String productId = examples.getFirst().get("subject").asString();
        Set<String> checkouts = Set.of(
                examples.get(1).get("data").get("checkoutId").asString(),
                examples.get(3).get("data").get("checkoutId").asString());
        createProduct(productId, 49_900, 10);

        try (TopicTap deadLetters = new TopicTap(Topics.deadLetter(Topics.INVENTORY_COMMANDS));
                TopicTap replies = new TopicTap(Topics.CHECKOUT_REPLIES)) {
            for (int i = 0; i < CONSUMED.size(); i++) {
                sendRaw(productId, ContractExamples.of(CONSUMED.get(i)));
            }
            List<String> ids =
                    examples.stream().map(e -> e.get("id").asString()).toList();
            await().atMost(PATIENCE).until(() -> applied(ids) == ids.size());
            // Every command is applied and nothing is left to send: reading to the end shows every answer, and a
            // commit has none (ADR 16).
            await().atMost(PATIENCE).until(() -> unsentOutboxRows() == 0);
            assertThat(replies.eventsToEnd(checkouts))
                    .extracting(Seen::type)
                    .containsExactlyInAnyOrder(StockReserved.TYPE, StockReleased.TYPE, StockReturned.TYPE);
            assertThat(deadLetters.recordsToEnd(Set.of(productId))).isEmpty();
        }
        // 10 + 5 counted, 2 sold at the reservation (the commit changes nothing, ADR 17), 1 returned; nothing held.
        Row row = row(productId);
        assertThat(row.onHand()).isEqualTo(14);
        assertThat(row.reserved()).isZero();
    }

    private long applied(List<String> ids) {
        return jdbc.sql("SELECT count(*) FROM inbox WHERE message_id IN (:ids)")
                .param("ids", ids)
                .query(Long.class)
                .single();
    }
}
