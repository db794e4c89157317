package till.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import till.contracts.inventory.AdjustStock;
import till.contracts.inventory.ReleaseStock;
import till.contracts.inventory.ReserveStock;
import till.contracts.inventory.StockReserved;
import till.platform.kafka.Topics;

/** Bad input is never swallowed: each poison message lands on the DLT with its reason, and the partition flows on. */
class PoisonCommandsGoToTheDeadLetterTopicIT extends InventoryHarness {

    @Test
    void poisonIsDeadLetteredAndTheNextCommandOnTheSameKeyIsApplied() {
        String productId = "poison-" + UUID.randomUUID();
        String checkoutId = "checkout-" + UUID.randomUUID();
        createProduct(productId, 100, 10);

        try (TopicTap deadLetters = new TopicTap(Topics.deadLetter(Topics.INVENTORY_COMMANDS));
                TopicTap replies = new TopicTap(Topics.CHECKOUT_REPLIES)) {
            sendRaw(productId, "this is not JSON");
            send(command("till.inventory.StealStock", productId, Map.of("productId", productId)));
            send(command(
                    ReserveStock.TYPE,
                    productId,
                    Map.of("checkoutId", "checkout-zero", "productId", productId, "quantity", 0)));
            send(command(
                    ReserveStock.TYPE,
                    productId,
                    Map.of("checkoutId", "checkout-other", "productId", "another-product", "quantity", 1)));
            send(command(AdjustStock.TYPE, productId, new AdjustStock("shrink-" + productId, productId, -11, "count")));
            send(command(ReserveStock.TYPE, productId, new ReserveStock(checkoutId, productId, 2)));

            List<Seen> answers =
                    await().atMost(PATIENCE).until(() -> replies.events(Set.of(checkoutId)), a -> !a.isEmpty());
            assertThat(answers).extracting(Seen::type).containsExactly(StockReserved.TYPE);
            await().atMost(PATIENCE).until(() -> deadLetters.records(Set.of(productId)), r -> r.size() >= 5);
            // A last command on the product's partition (a release of another checkout, which changes no stock):
            // once it is answered the consumer is past the poison and its dead-lettering, so the dead-letter topic
            // read to its end shows a sixth record if there were one.
            String last = "last-" + UUID.randomUUID();
            send(command(ReleaseStock.TYPE, productId, new ReleaseStock(last, productId)));
            await().atMost(PATIENCE).until(() -> !replies.events(Set.of(last)).isEmpty());
            List<ConsumerRecord<String, String>> dead = deadLetters.recordsToEnd(Set.of(productId));
            assertThat(dead).hasSize(5);
            assertThat(dead)
                    .extracting(r -> reason(r))
                    .satisfiesExactly(
                            reason -> assertThat(reason).contains("not JSON"),
                            reason -> assertThat(reason).contains("unknown type 'till.inventory.StealStock'"),
                            reason -> assertThat(reason).contains("quantity"),
                            reason -> assertThat(reason).contains("differs from the subject"),
                            reason -> assertThat(reason).contains("would take on hand below reserved"));
            assertThat(dead.get(0).value()).isEqualTo("this is not JSON");
            assertThat(dead.get(0).headers().lastHeader("kafka_dlt-original-offset"))
                    .isNotNull();
        }
        assertThat(row(productId)).as("2 sold (ADR 17)").isEqualTo(new Row(8, 0, 2));
    }

    private static String reason(ConsumerRecord<String, String> record) {
        Header reason = record.headers().lastHeader("till-dlt-reason");
        assertThat(reason).as("till-dlt-reason header").isNotNull();
        return new String(reason.value(), StandardCharsets.UTF_8);
    }
}
