package till.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.core.KafkaTemplate;
import till.contracts.inventory.ReserveStock;
import till.platform.cloudevents.CloudEvent;
import till.platform.kafka.Topics;
import tools.jackson.databind.json.JsonMapper;

/** Poison of every kind goes to the dead-letter topic with its reason, and the partition keeps flowing. */
class ListenerErrorPolicyIT extends PlatformHarness {

    @Autowired
    KafkaTemplate<String, String> kafka;

    @Autowired
    JsonMapper mapper;

    @Autowired
    PlatformTestApplication.RecordingListener listener;

    private String event(String type, String subject, Object data) {
        return mapper.writeValueAsString(CloudEvent.create(type, "/test", subject, mapper.valueToTree(data)));
    }

    @Test
    void everyKindOfPoisonIsDeadLetteredWithItsReasonAndTheNextMessageIsApplied() {
        String key = "product-" + UUID.randomUUID();
        String checkout = UUID.randomUUID().toString();
        Map<String, String> poison = new java.util.LinkedHashMap<>();
        poison.put("not JSON", "{{{ not json");
        poison.put("not a JSON object", "[1, 2, 3]");
        poison.put(
                "field 'id' is missing",
                "{\"specversion\":\"1.0\",\"type\":\"x\",\"source\":\"/t\",\"subject\":\"" + key + "\",\"data\":{}}");
        poison.put("unknown message type", event("till.inventory.TeleportStock", key, Map.of("productId", key)));
        poison.put(
                "field 'quantity' must be a positive integer",
                event(ReserveStock.TYPE, key, Map.of("checkoutId", "c", "productId", key, "quantity", 0)));
        poison.put(
                "field 'checkoutId' is missing",
                event(ReserveStock.TYPE, key, Map.of("productId", key, "quantity", 1)));
        poison.put("differs from the subject", event(ReserveStock.TYPE, "another-key", new ReserveStock("c", key, 1)));
        poison.forEach((reason, value) -> kafka.send(Topics.INVENTORY_COMMANDS, key, value));
        kafka.send(Topics.INVENTORY_COMMANDS, key, event(ReserveStock.TYPE, key, new ReserveStock(checkout, key, 2)));
        kafka.flush();

        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        listener.applied.stream().anyMatch(c -> c.checkoutId().equals(checkout)));
        List<ConsumerRecord<String, String>> deadLetters = read(
                Topics.deadLetter(Topics.INVENTORY_COMMANDS),
                r -> key.equals(r.key()),
                found -> found.size() >= poison.size());

        assertThat(deadLetters).hasSize(poison.size());
        List<String> reasons =
                deadLetters.stream().map(r -> header(r, "till-dlt-reason")).toList();
        List<String> expected = List.copyOf(poison.keySet());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(reasons.get(i)).contains(expected.get(i));
        }
        for (ConsumerRecord<String, String> deadLetter : deadLetters) {
            assertThat(header(deadLetter, "kafka_dlt-original-topic")).isEqualTo(Topics.INVENTORY_COMMANDS);
            assertThat(header(deadLetter, "kafka_dlt-original-offset")).isNotEmpty();
            assertThat(header(deadLetter, "kafka_dlt-exception-fqcn")).isNotEmpty();
        }
        assertThat(deadLetters.stream().map(ConsumerRecord::value)).containsExactlyElementsOf(poison.values());
    }
}
