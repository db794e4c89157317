package till.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import till.contracts.inventory.ReserveStock;
import till.contracts.inventory.StockReserved;
import till.platform.kafka.Topics;
import till.testsupport.TestInfrastructure;

/**
 * Two instances share the consumer group; one stops mid-stream and the other takes over its partitions. Whatever
 * the stopping instance applied but had not yet committed is redelivered to the survivor, which skips it.
 */
class ConsumerRebalanceMidStreamIT extends InventoryHarness {

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Test
    void nothingIsAppliedTwiceAndNothingIsLost() {
        List<String> productIds = IntStream.range(0, 8)
                .mapToObj(i -> "rebalance-" + i + "-" + UUID.randomUUID())
                .toList();
        productIds.forEach(productId -> createProduct(productId, 100, 1_000));
        Map<String, String> productOf = new HashMap<>();
        List<String> checkouts = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String checkoutId = "checkout-" + i + "-" + UUID.randomUUID();
            checkouts.add(checkoutId);
            productOf.put(checkoutId, productIds.get(i % productIds.size()));
        }

        ConfigurableApplicationContext second = secondInstance();
        try (TopicTap replies = new TopicTap(Topics.CHECKOUT_REPLIES)) {
            MessageListenerContainer mine = listeners.getListenerContainer("inventory-commands");
            MessageListenerContainer theirs =
                    second.getBean(KafkaListenerEndpointRegistry.class).getListenerContainer("inventory-commands");
            // Both instances hold partitions and, between them, all 12: a rebalance passes through states where
            // both hold some and a few are revoked and not yet assigned again.
            await().atMost(PATIENCE)
                    .until(() -> assigned(mine) > 0 && assigned(theirs) > 0 && assigned(mine) + assigned(theirs) == 12);

            checkouts.subList(0, 200).parallelStream().forEach(checkoutId -> reserve(checkoutId, productOf));
            await().atMost(PATIENCE)
                    .until(() -> replies.events(Set.copyOf(checkouts)).size() >= 50);
            second.close();
            checkouts.subList(200, 400).parallelStream().forEach(checkoutId -> reserve(checkoutId, productOf));

            List<Seen> answers =
                    await().atMost(PATIENCE).until(() -> replies.events(Set.copyOf(checkouts)), a -> a.size() >= 400);
            assertThat(assigned(mine))
                    .as("the survivor took over every partition")
                    .isEqualTo(12);
            assertThat(answers).hasSize(400).extracting(Seen::type).containsOnly(StockReserved.TYPE);
            assertThat(answers.stream().map(Seen::key).collect(Collectors.toSet()))
                    .hasSize(400);
        } finally {
            second.close();
        }

        Map<String, Long> perProduct =
                checkouts.stream().collect(Collectors.groupingBy(productOf::get, Collectors.counting()));
        for (String productId : productIds) {
            Row row = row(productId);
            assertThat(row.reserved()).as(productId).isEqualTo(perProduct.get(productId));
            assertThat(row.onHand()).isEqualTo(1_000);
            assertThat(row.version()).as("one version per reservation").isEqualTo(1 + perProduct.get(productId));
        }
        var report = invariants();
        assertThat(report.get("sound").asBoolean()).as(report.toString()).isTrue();
    }

    private void reserve(String checkoutId, Map<String, String> productOf) {
        String productId = productOf.get(checkoutId);
        send(command(ReserveStock.TYPE, productId, new ReserveStock(checkoutId, productId, 1)));
    }

    private static int assigned(MessageListenerContainer container) {
        var partitions = container.getAssignedPartitions();
        return partitions == null ? 0 : Set.copyOf(partitions).size();
    }

    /** A second inventory-service on the same database and consumer group, as a second process would be. */
    private static ConfigurableApplicationContext secondInstance() {
        Map<String, Object> properties = Map.of(
                "server.port", "0",
                "spring.datasource.url", DATABASE,
                "spring.datasource.username", TestInfrastructure.username(),
                "spring.datasource.password", TestInfrastructure.password(),
                "spring.datasource.hikari.maximum-pool-size", "6",
                "spring.kafka.bootstrap-servers", TestInfrastructure.kafkaBootstrapServers(),
                "spring.kafka.listener.concurrency", "2",
                "till.listener.max-retries", "3",
                "till.outbox.poll-interval", "50ms");
        // As command-line arguments, which (unlike default properties) override application.properties.
        return new SpringApplicationBuilder(InventoryApplication.class)
                .run(properties.entrySet().stream()
                        .map(p -> "--" + p.getKey() + "=" + p.getValue())
                        .toArray(String[]::new));
    }
}
