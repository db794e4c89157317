package till.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import till.contracts.inventory.ReserveStock;
import till.platform.PlatformHarness;
import till.platform.PlatformTestApplication;
import till.platform.kafka.Topics;
import tools.jackson.databind.json.JsonMapper;

/** The outbox's promise: every committed message published, in order per key, applied once. */
class OutboxRelayIT extends PlatformHarness {

    record Numbered(String run, String key, int seq) {}

    @Autowired
    Outbox outbox;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    KafkaTemplate<String, String> kafka;

    @Autowired
    JsonMapper mapper;

    @Autowired
    PlatformTestApplication.RecordingListener listener;

    @Test
    void twoRelaysOverOneOutboxPublishEveryRowOnceInOrderPerKey() throws Exception {
        OutboxRelay second = new OutboxRelay(
                jdbc,
                dataSource,
                tx,
                kafka,
                mapper,
                new SimpleMeterRegistry(),
                100,
                Duration.ofMillis(20),
                Duration.ofDays(1),
                true);
        second.start();
        String run = UUID.randomUUID().toString();
        int keys = 50;
        int perKey = 24;
        try (ExecutorService writers = Executors.newFixedThreadPool(4)) {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                // Like a partition's consumer: one writer owns a key, so its rows commit in sequence order.
                done.add(writers.submit(() -> {
                    for (int seq = 0; seq < perKey; seq++) {
                        for (int k = writer; k < keys; k += 4) {
                            String key = run + "-" + k;
                            int n = seq;
                            tx.executeWithoutResult(s -> outbox.append(
                                    Topics.LEDGER_EVENTS, key, "till.test.Numbered", new Numbered(run, key, n)));
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> jdbc.sql("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
                                    .query(Long.class)
                                    .single()
                            == 0);
            second.stop();
        }

        List<ConsumerRecord<String, String>> records =
                read(Topics.LEDGER_EVENTS, r -> r.key().startsWith(run), found -> found.size() >= keys * perKey);
        Map<String, List<Integer>> sequences = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> record : records) {
            int seq = mapper.readTree(record.value()).get("data").get("seq").asInt();
            sequences.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(seq);
        }
        assertThat(records).hasSize(keys * perKey);
        assertThat(sequences).hasSize(keys);
        List<Integer> expected =
                java.util.stream.IntStream.range(0, perKey).boxed().toList();
        sequences.forEach((key, seqs) -> assertThat(seqs).as(key).isEqualTo(expected));
    }

    @Test
    void aRowPublishedButNotMarkedIsPublishedAgainAndTheInboxSkipsTheDuplicate() {
        String checkout = UUID.randomUUID().toString();
        UUID id = tx.execute(s -> outbox.append(
                Topics.INVENTORY_COMMANDS, "espresso", ReserveStock.TYPE, new ReserveStock(checkout, "espresso", 1)));
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        listener.applied.stream().anyMatch(c -> c.checkoutId().equals(checkout)));

        // Exactly the state a relay leaves when it dies after the broker's ack and before it marks the row.
        jdbc.sql("UPDATE outbox SET sent_at = NULL WHERE id = ?").param(id).update();

        List<ConsumerRecord<String, String>> deliveries =
                read(Topics.INVENTORY_COMMANDS, r -> r.value().contains(id.toString()), found -> found.size() >= 2);
        assertThat(deliveries).hasSize(2);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> jdbc.sql("SELECT count(*) FROM outbox WHERE id = ? AND sent_at IS NOT NULL")
                                .param(id)
                                .query(Long.class)
                                .single()
                        == 1);
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(10))
                .until(() -> listener.applied.stream()
                                .filter(c -> c.checkoutId().equals(checkout))
                                .count()
                        == 1);
    }

    @Test
    void outsideATransactionTheOutboxRefusesToWrite() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> outbox.append(Topics.LEDGER_EVENTS, "k", "t", Map.of("a", 1)))
                .isInstanceOf(IllegalStateException.class);
    }
}
