package till.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import till.contracts.inventory.ReserveStock;
import till.contracts.inventory.StockReserved;
import till.platform.kafka.Topics;
import till.testsupport.ChildJvm;
import till.testsupport.TestInfrastructure;

/**
 * Two instances share the consumer group; the second, a JVM of its own started from the service's executable jar,
 * is killed with {@code kill -9} mid-stream. Everything it applied is redelivered to the survivor (it never commits
 * its offsets, so the redelivery is certain, not a matter of where the kill falls), which must skip each one:
 * every checkout gets exactly one answer (one message id) and every product's stock and version count each
 * reservation once.
 */
class ConsumerKilledMidStreamIT extends InventoryHarness {

    // The listener's id, which Spring Kafka takes as its group id.
    private static final String GROUP = "inventory-commands";
    private static final int PARTITIONS = 12;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Test
    void whatTheKilledInstanceAppliedIsRedeliveredAndAppliedOnce() throws Exception {
        List<String> productIds = IntStream.range(0, 24)
                .mapToObj(i -> "crash-" + i + "-" + UUID.randomUUID())
                .toList();
        productIds.forEach(productId -> createProduct(productId, 100, 1_000));
        Map<String, String> productOf = new HashMap<>();
        List<String> checkouts = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String checkoutId = "checkout-" + i + "-" + UUID.randomUUID();
            checkouts.add(checkoutId);
            productOf.put(checkoutId, productIds.get(i % productIds.size()));
        }
        MessageListenerContainer mine = listeners.getListenerContainer("inventory-commands");

        try (TopicTap replies = new TopicTap(Topics.CHECKOUT_REPLIES);
                ChildJvm second = secondInstance()) {
            // Settled: the second instance's consumers hold some partitions, this one's the others, all 12 assigned.
            Set<Integer> theirs = await().atMost(Duration.ofMinutes(3))
                    .until(
                            () -> {
                                assertThat(second.isAlive()).as(second.tail()).isTrue();
                                Set<Integer> all = assignedInTheGroup();
                                Set<Integer> others = new HashSet<>(all);
                                others.removeAll(assigned(mine));
                                return all.size() == PARTITIONS
                                                && !others.isEmpty()
                                                && !assigned(mine).isEmpty()
                                        ? others
                                        : Set.<Integer>of();
                            },
                            others -> !others.isEmpty());
            Set<String> appliedByThem = checkouts.subList(0, 200).stream()
                    .filter(c -> theirs.contains(partitionOf(productOf.get(c))))
                    .collect(Collectors.toSet());
            assertThat(appliedByThem).isNotEmpty();

            checkouts.subList(0, 200).parallelStream().forEach(checkoutId -> reserve(checkoutId, productOf));
            // The second instance has applied (and answered) some of its share: the kill lands mid-stream.
            await().atMost(PATIENCE).until(() -> replies.events(appliedByThem).size() >= 20);
            assertThat(second.kill()).as("killed by SIGKILL").isEqualTo(137);
            assertThat(uncommitted(theirs))
                    .as("applied by the killed instance and not committed: to be redelivered")
                    .isGreaterThanOrEqualTo(20);
            checkouts.subList(200, 400).parallelStream().forEach(checkoutId -> reserve(checkoutId, productOf));

            await().atMost(PATIENCE)
                    .until(() -> replies.events(Set.copyOf(checkouts)).stream()
                                    .map(Seen::key)
                                    .distinct()
                                    .count()
                            == 400);
            assertThat(assigned(mine))
                    .as("the survivor took over every partition")
                    .hasSize(PARTITIONS);
            // Nothing more can come: every command consumed and committed, every reply published; only then is
            // the topic read to its end, so a late second answer would be seen.
            await().atMost(PATIENCE)
                    .until(() -> uncommitted(Set.copyOf(IntStream.range(0, PARTITIONS)
                                            .boxed()
                                            .toList()))
                                    == 0
                            && unsentOutboxRows() == 0);
            List<Seen> answers = replies.eventsToEnd(Set.copyOf(checkouts));
            assertThat(answers).extracting(Seen::type).containsOnly(StockReserved.TYPE);
            Map<String, Set<String>> answerIds = answers.stream()
                    .collect(Collectors.groupingBy(
                            Seen::key, Collectors.mapping(a -> a.record().value(), Collectors.toSet())));
            assertThat(answerIds).hasSize(400);
            assertThat(answerIds.values())
                    .as("one answer per checkout (a relay's republished copy is the same message)")
                    .allSatisfy(
                            ids -> assertThat(ids.stream().map(this::messageId).distinct())
                                    .hasSize(1));
        }

        Map<String, Long> perProduct =
                checkouts.stream().collect(Collectors.groupingBy(productOf::get, Collectors.counting()));
        for (String productId : productIds) {
            Row row = row(productId);
            assertThat(row.onHand())
                    .as(productId + ": one unit sold per reservation (ADR 17), each once")
                    .isEqualTo(1_000 - perProduct.get(productId));
            assertThat(row.reserved()).as(productId).isZero();
            assertThat(row.version()).as("one version per reservation").isEqualTo(1 + perProduct.get(productId));
        }
        var report = invariants();
        assertThat(report.get("sound").asBoolean()).as(report.toString()).isTrue();
    }

    private String messageId(String cloudEvent) {
        return mapper.readTree(cloudEvent).get("id").asString();
    }

    private void reserve(String checkoutId, Map<String, String> productOf) {
        String productId = productOf.get(checkoutId);
        send(command(ReserveStock.TYPE, productId, new ReserveStock(checkoutId, productId, 1)));
    }

    /** The partition the producer's default partitioner gives a key. */
    private static int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    private static Set<Integer> assigned(MessageListenerContainer container) {
        var partitions = container.getAssignedPartitions();
        return partitions == null
                ? Set.of()
                : partitions.stream().map(TopicPartition::partition).collect(Collectors.toSet());
    }

    /** Every partition of inventory.commands that some member of the group holds. */
    private static Set<Integer> assignedInTheGroup() throws Exception {
        try (Admin admin = admin()) {
            return admin
                    .describeConsumerGroups(List.of(GROUP))
                    .describedGroups()
                    .get(GROUP)
                    .get(30, TimeUnit.SECONDS)
                    .members()
                    .stream()
                    .flatMap(member -> member.assignment().topicPartitions().stream())
                    .filter(tp -> tp.topic().equals(Topics.INVENTORY_COMMANDS))
                    .map(TopicPartition::partition)
                    .collect(Collectors.toSet());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                // Not formed yet: no member has joined.
                return Set.of();
            }
            throw e;
        }
    }

    private static Admin admin() {
        return Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers()));
    }

    /** Records of these partitions of inventory.commands beyond the group's committed offsets. */
    private static long uncommitted(Set<Integer> partitions) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = partitions.stream()
                    .collect(Collectors.toMap(
                            p -> new TopicPartition(Topics.INVENTORY_COMMANDS, p), p -> OffsetSpec.latest()));
            long behind = 0;
            for (var end :
                    admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata done = committed.get(end.getKey());
                behind += end.getValue().offset() - (done == null ? 0 : done.offset());
            }
            return behind;
        }
    }

    /**
     * A second inventory-service on the same database and consumer group, from the executable jar. It never commits
     * its offsets ({@code ack-mode=manual} with a listener that never acknowledges), as an instance killed before
     * its next commit would have it.
     */
    private static ChildJvm secondInstance() {
        Map<String, String> properties = Map.of(
                "server.port", "0",
                "spring.datasource.url", DATABASE,
                "spring.datasource.username", TestInfrastructure.username(),
                "spring.datasource.password", TestInfrastructure.password(),
                "spring.datasource.hikari.maximum-pool-size", "6",
                "spring.kafka.bootstrap-servers", TestInfrastructure.kafkaBootstrapServers(),
                "spring.kafka.listener.concurrency", "2",
                "spring.kafka.listener.ack-mode", "manual",
                "till.listener.max-retries", "3",
                "till.outbox.poll-interval", "50ms");
        return ChildJvm.start(
                Path.of("target"),
                properties.entrySet().stream()
                        .map(p -> "--" + p.getKey() + "=" + p.getValue())
                        .toList(),
                Path.of("target", "child-jvms", "inventory-" + UUID.randomUUID() + ".log"));
    }
}
