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
import java.util.concurrent.CountDownLatch;
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
import till.testsupport.TestInfrastructure;
import till.testsupport.TopicReader;
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

    @Autowired
    OutboxRelay contextRelay;

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
        Map<String, List<Integer>> sequences = sequencesPerKey(mapper, records);
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
        Map<String, List<Integer>> firstDeliveries = firstDeliveries(mapper, records);
        assertThat(firstDeliveries).hasSize(KEYS);
        firstDeliveries.forEach((key, seqs) -> assertThat(seqs).as(key).isEqualTo(IN_ORDER));
    }

    /**
     * Relays that poll only every 30 s: a row committed in either instance is published within seconds, woken
     * in-process in the active relay's instance and by NOTIFY from the other.
     */
    @Test
    void commitsInEitherInstanceWakeTheActiveRelay() throws Exception {
        contextRelay.stop();
        OutboxRelay active = relay(Duration.ofSeconds(30));
        OutboxRelay other = relay(Duration.ofSeconds(30));
        try {
            active.start();
            await().atMost(Duration.ofSeconds(10)).until(active::isLeading);
            other.start();
            // Both listening before anything commits: a notification sent earlier reaches nobody.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> jdbc.sql("SELECT count(*) FROM pg_stat_activity WHERE query = ? AND state = 'idle'")
                                    .param("LISTEN " + WakeUps.CHANNEL)
                                    .query(Long.class)
                                    .single()
                            >= 2);
            String run = UUID.randomUUID().toString();
            for (OutboxRelay instance : List.of(other, active)) {
                Outbox outboxOfInstance = new Outbox(jdbc, mapper, instance, "platform-test");
                UUID id = tx.execute(s -> outboxOfInstance.append(
                        Topics.LEDGER_EVENTS, run, "till.test.Numbered", new Numbered(run, run, 0)));
                long written = System.nanoTime();
                assertThat(read(
                                Topics.LEDGER_EVENTS,
                                r -> r.value().contains(id.toString()),
                                found -> !found.isEmpty()))
                        .hasSize(1);
                assertThat(Duration.ofNanos(System.nanoTime() - written))
                        .as("written in the %s instance", instance == active ? "active relay's" : "other")
                        .isLessThan(Duration.ofSeconds(10));
            }
            assertThat(other.isLeading()).isFalse();
        } finally {
            other.stop();
            active.stop();
            contextRelay.start();
        }
    }

    private OutboxRelay secondRelay() {
        return relay(Duration.ofMillis(20));
    }

    private OutboxRelay relay(Duration pollInterval) {
        return new OutboxRelay(
                dataSource,
                kafka,
                mapper,
                new SimpleMeterRegistry(),
                OutboxProperties.of(
                        100,
                        400,
                        pollInterval,
                        // The context's relay's: relays of one outbox share it (ADR 15).
                        OutboxProperties.Relay.of(true, true, TestInfrastructure.transactionalId(DATABASE))));
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

    private int terminateActiveRelaySession() {
        return terminateActiveRelaySession(jdbc);
    }

    /** Terminates the backend holding the relay lease, as a network cut or a DBA would; returns how many. */
    static int terminateActiveRelaySession(JdbcClient jdbc) {
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

    /** Each key's first deliveries: its {@link Numbered} seqs in the order they first arrived. */
    static Map<String, List<Integer>> firstDeliveries(JsonMapper mapper, List<ConsumerRecord<String, String>> records) {
        Map<String, List<Integer>> firstDeliveries = new LinkedHashMap<>();
        sequencesPerKey(mapper, records)
                .forEach((key, seqs) ->
                        firstDeliveries.put(key, seqs.stream().distinct().toList()));
        return firstDeliveries;
    }

    /** Each key's {@link Numbered} seqs in the order they arrived. */
    static Map<String, List<Integer>> sequencesPerKey(JsonMapper mapper, List<ConsumerRecord<String, String>> records) {
        Map<String, List<Integer>> sequences = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> record : records) {
            int seq = mapper.readTree(record.value()).get("data").get("seq").asInt();
            sequences.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(seq);
        }
        return sequences;
    }

    /**
     * The state a relay killed between the broker's acknowledgement and its mark leaves behind, made here by hand
     * (sent_at reset to null) so that the restart's side can be checked in isolation: the relay that takes the lease
     * next publishes the row again, and the inbox skips the copy. A real relay JVM killed in that window is
     * infra's {@code RelayKilledBetweenAcknowledgementAndMarkIT}.
     */
    @Test
    void aRowMarkedUnsentAgainIsPublishedAgainAndTheInboxSkipsTheCopy() {
        String checkout = UUID.randomUUID().toString();
        UUID id = tx.execute(s -> outbox.append(
                Topics.INVENTORY_COMMANDS, "espresso", ReserveStock.TYPE, new ReserveStock(checkout, "espresso", 1)));
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        listener.applied.stream().anyMatch(c -> c.checkoutId().equals(checkout)));
        // Marked first (the marker gathers acknowledgements for a moment), so that the reset is not overwritten.
        OutboxMarksIT.awaitMarked(jdbc, List.of(id));

        jdbc.sql("UPDATE outbox SET sent_at = NULL WHERE id = ?").param(id).update();
        assertThat(terminateActiveRelaySession())
                .as("the active relay's session")
                .isEqualTo(1);

        List<ConsumerRecord<String, String>> deliveries =
                read(Topics.INVENTORY_COMMANDS, r -> r.value().contains(id.toString()), found -> found.size() >= 2);
        assertThat(deliveries).hasSize(2);
        OutboxMarksIT.awaitMarked(jdbc, List.of(id));
        // A later command of the same key follows the copy on its partition: once it is applied, the copy has been
        // consumed, so a second application or a third copy would show now.
        String later = UUID.randomUUID().toString();
        tx.execute(s -> outbox.append(
                Topics.INVENTORY_COMMANDS, "espresso", ReserveStock.TYPE, new ReserveStock(later, "espresso", 1)));
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        listener.applied.stream().anyMatch(c -> c.checkoutId().equals(later)));
        assertThat(TopicReader.readToEnd(
                        TestInfrastructure.kafkaBootstrapServers(),
                        Topics.INVENTORY_COMMANDS,
                        r -> r.value().contains(id.toString())))
                .hasSize(2);
        assertThat(listener.applied.stream().filter(c -> c.checkoutId().equals(checkout)))
                .hasSize(1);
    }

    /**
     * A transaction draws its seq first and commits last, after rows with higher seqs (of other keys) were published
     * and marked: its row is still published, because the relay reads batches of commits, not a seq cursor.
     */
    @Test
    void aRowThatCommitsAfterHigherSeqsWerePublishedIsPublished() throws Exception {
        String run = UUID.randomUUID().toString();
        CountDownLatch appended = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService slow = Executors.newSingleThreadExecutor()) {
            Future<UUID> late = slow.submit(() -> tx.execute(s -> {
                UUID id = outbox.append(
                        Topics.LEDGER_EVENTS, run + "-late", "till.test.Numbered", new Numbered(run, "late", 0));
                appended.countDown();
                await().atMost(Duration.ofSeconds(30)).until(() -> release.getCount() == 0);
                return id;
            }));
            assertThat(appended.await(30, TimeUnit.SECONDS)).isTrue();
            List<UUID> early = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                early.add(tx.execute(s -> outbox.append(
                        Topics.LEDGER_EVENTS, run + "-" + n, "till.test.Numbered", new Numbered(run, "early", n))));
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> jdbc.sql("SELECT count(*) FROM outbox WHERE id = ANY (?) AND sent_at IS NOT NULL")
                                    .param(early.toArray(UUID[]::new))
                                    .query(Long.class)
                                    .single()
                            == early.size());
            release.countDown();
            UUID lateId = late.get(30, TimeUnit.SECONDS);

            assertThat(jdbc.sql("SELECT count(*) FROM outbox WHERE seq > (SELECT seq FROM outbox WHERE id = ?)"
                                    + " AND id = ANY (?)")
                            .param(lateId)
                            .param(early.toArray(UUID[]::new))
                            .query(Long.class)
                            .single())
                    .as("rows with a higher seq, published before the late row committed")
                    .isEqualTo(early.size());
            List<ConsumerRecord<String, String>> delivered =
                    read(Topics.LEDGER_EVENTS, r -> r.value().contains(lateId.toString()), found -> !found.isEmpty());
            assertThat(delivered).hasSize(1);
        }
    }

    @Test
    void outsideATransactionTheOutboxRefusesToWrite() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> outbox.append(Topics.LEDGER_EVENTS, "k", "t", Map.of("a", 1)))
                .isInstanceOf(IllegalStateException.class);
    }
}
