package till.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import till.contracts.inventory.ReserveStock;
import till.contracts.inventory.StockLevelChanged;
import till.contracts.inventory.StockReserved;
import till.platform.kafka.Topics;
import till.testsupport.TestInfrastructure;
import till.testsupport.TopicReader;

/**
 * Reservations of one product queued together are applied as one run in one transaction, and their replies are
 * appended together after it: each reply still carries the trace of the command that caused it, and the run's one
 * stock-level fact the trace of its last reservation.
 */
class ReservationsOfOnePollKeepTheirOwnTracesIT extends InventoryHarness {

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Test
    void eachReplyOfARunOfReservationsCarriesItsOwnCommandsTrace() throws Exception {
        String productId = "traced-" + UUID.randomUUID();
        createProduct(productId, 100, 10);
        Map<String, String> traces = Map.of(
                "first-" + productId, "4bf92f3577b34da6a3ce929d0e0e4736",
                "second-" + productId, "0af7651916cd43dd8448eb211c80319c",
                "last-" + productId, "a3ce929d0e0e47364bf92f3577b34da6");
        MessageListenerContainer container = listeners.getListenerContainer("inventory-commands");
        container.pause();
        try {
            // Paused, not only asked to: no poll is under way that could take the first command alone. A fetch the
            // consumer sent before it paused is answered within fetch.max.wait (500 ms), and what it brings stays
            // buffered for the first poll after the resume: the first command alone, then the other two in a second
            // transaction (seen in CI). Waiting a second after the pause lets any such fetch come back empty.
            await().pollDelay(Duration.ofSeconds(1)).atMost(PATIENCE).until(container::isContainerPaused);
            for (String checkoutId : List.of("first-" + productId, "second-" + productId, "last-" + productId)) {
                ProducerRecord<String, String> record = new ProducerRecord<>(
                        Topics.INVENTORY_COMMANDS,
                        productId,
                        mapper.writeValueAsString(
                                command(ReserveStock.TYPE, productId, new ReserveStock(checkoutId, productId, 1))));
                String traceparent = "00-" + traces.get(checkoutId) + "-00f067aa0ba902b7-01";
                record.headers().add("traceparent", traceparent.getBytes(StandardCharsets.UTF_8));
                kafka.send(record).get(30, TimeUnit.SECONDS);
            }
        } finally {
            container.resume();
        }

        // 10 on hand, three sold at their reservations (ADR 17).
        await().atMost(PATIENCE).until(() -> row(productId).onHand() == 7);
        // One run: the three reservations were written in one transaction.
        assertThat(jdbc.sql("SELECT count(DISTINCT created_at) FROM reservations WHERE product_id = ?")
                        .param(productId)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);

        var replies = TopicReader.read(
                TestInfrastructure.kafkaBootstrapServers(),
                Topics.CHECKOUT_REPLIES,
                r -> traces.containsKey(r.key()) && r.value().contains(StockReserved.TYPE),
                found -> found.size() >= 3);
        Map<String, String> replyTraces = replies.stream()
                .collect(Collectors.toMap(r -> r.key(), r -> traceId(TopicReader.header(r, "traceparent"))));
        assertThat(replyTraces).isEqualTo(traces);

        try (TopicTap events = new TopicTap(Topics.INVENTORY_EVENTS)) {
            var fact = await().atMost(PATIENCE)
                    .until(
                            () -> events.events(Set.of(productId)).stream()
                                    .filter(e -> e.type().equals(StockLevelChanged.TYPE))
                                    .filter(e ->
                                            e.data().get("cause").asString().startsWith("sold to"))
                                    .toList(),
                            found -> !found.isEmpty());
            assertThat(fact)
                    .singleElement()
                    .satisfies(f -> assertThat(traceId(TopicReader.header(f.record(), "traceparent")))
                            .isEqualTo(traces.get("last-" + productId)));
        }
    }

    private static String traceId(String traceparent) {
        return traceparent.substring(3, 35);
    }
}
