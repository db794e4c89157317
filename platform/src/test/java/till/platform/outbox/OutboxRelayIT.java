package till.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import till.contracts.inventory.ReserveStock;
import till.platform.AdvisoryLockSpace;
import till.platform.PlatformHarness;
import till.platform.PlatformTestApplication;
import till.platform.kafka.Topics;
import tools.jackson.databind.json.JsonMapper;

/** The outbox's promise: every committed message published, in order per key, applied once. */
class OutboxRelayIT extends PlatformHarness {

    private static final int KEYS = 50;
    private static final int PER_KEY = 24;
    private static final List<Integer> IN_ORDER =
            IntStream.range(0, PER_KEY).boxed().toList();

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
        OutboxRelay second = secondRelay();
        second.start();
        String run = UUID.randomUUID().toString();
        try {
            writeNumbered(run, () -> {});
        } finally {
            awaitNothingUnsent();
            second.stop();
        }

        List<ConsumerRecord<String, String>> records =
                read(Topics.LEDGER_EVENTS, r -> r.key().startsWith(run), found -> found.size() >= KEYS * PER_KEY);
        assertThat(records).hasSize(KEYS * PER_KEY);
        Map<String, List<Integer>> sequences = sequencesPerKey(records);
        assertThat(sequences).hasSize(KEYS);
        sequences.forEach((key, seqs) -> assertThat(seqs).as(key).isEqualTo(IN_ORDER));
    }

    /**
     * The active relay's database session is killed again and again while rows are written: the other relay takes
     * the lease, every row is published, and the first delivery of each key's rows is in order (redeliveries of
     * rows the killed relay had handed over are duplicates, which the inbox skips).
     */
    @Test
    void killingTheActiveRelaysSessionHandsOverWithoutLossOrReordering() throws Exception {
        OutboxRelay second = secondRelay();
        second.start();
        String run = UUID.randomUUID().toString();
        AtomicInteger killed = new AtomicInteger();
        try {
            writeNumbered(run, () -> {
                if (killed.get() < 6 && ThreadLocalRandom.current().nextInt(40) == 0) {
                    killed.addAndGet(terminateActiveRelaySession());
                }
            });
        } finally {
            awaitNothingUnsent();
            second.stop();
        }

        List<ConsumerRecord<String, String>> records = read(
                Topics.LEDGER_EVENTS,
                r -> r.key().startsWith(run),
                found -> Set.copyOf(found.stream().map(ConsumerRecord::value).toList())
                                .size()
                        >= KEYS * PER_KEY);
        assertThat(killed).as("sessions of the active relay terminated").hasValueGreaterThanOrEqualTo(2);
        Map<String, List<Integer>> firstDeliveries = new LinkedHashMap<>();
        sequencesPerKey(records)
                .forEach((key, seqs) ->
                        firstDeliveries.put(key, seqs.stream().distinct().toList()));
        assertThat(firstDeliveries).hasSize(KEYS);
        firstDeliveries.forEach((key, seqs) -> assertThat(seqs).as(key).isEqualTo(IN_ORDER));
    }

    private OutboxRelay secondRelay() {
        return new OutboxRelay(
                dataSource,
                kafka,
                mapper,
                new SimpleMeterRegistry(),
                100,
                400,
                Duration.ofMillis(20),
                Duration.ofDays(1),
                true);
    }

    /**
     * Four writers, each owning some keys (as a partition's consumer would), commit PER_KEY rows per key, one row
     * per transaction, so each key's rows commit in sequence order; {@code meanwhile} runs after every commit.
     */
    private void writeNumbered(String run, Runnable meanwhile) throws Exception {
        try (ExecutorService writers = Executors.newFixedThreadPool(4)) {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                done.add(writers.submit(() -> {
                    for (int seq = 0; seq < PER_KEY; seq++) {
                        for (int k = writer; k < KEYS; k += 4) {
                            String key = run + "-" + k;
                            int n = seq;
                            tx.executeWithoutResult(s -> outbox.append(
                                    Topics.LEDGER_EVENTS, key, "till.test.Numbered", new Numbered(run, key, n)));
                            meanwhile.run();
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        }
    }

    /** Terminates the backend holding the relay lease, as a network cut or a DBA would; returns how many. */
    private int terminateActiveRelaySession() {
        return jdbc.sql("""
                        SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))
                        FROM pg_locks
                        WHERE locktype = 'advisory' AND granted AND classid = ? AND objid = 0 AND objsubid = 2
                          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                        """)
                .param(AdvisoryLockSpace.OUTBOX_RELAY)
                .query(Integer.class)
                .single();
    }

    private void awaitNothingUnsent() {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> jdbc.sql("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
                                .query(Long.class)
                                .single()
                        == 0);
    }

    private Map<String, List<Integer>> sequencesPerKey(List<ConsumerRecord<String, String>> records) {
        Map<String, List<Integer>> sequences = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> record : records) {
            int seq = mapper.readTree(record.value()).get("data").get("seq").asInt();
            sequences.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(seq);
        }
        return sequences;
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
