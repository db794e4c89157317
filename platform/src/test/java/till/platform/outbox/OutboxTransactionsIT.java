package till.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import till.platform.PlatformHarness;
import till.platform.kafka.Topics;
import till.testsupport.TestInfrastructure;
import till.testsupport.TopicReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * The relay's Kafka transactions (ADR 15), read as Till's readers read: {@code read_committed}. A hot key's rows go
 * in transactions, once each and in order; a relay fenced by a rival producer of its transactional id aborts and
 * starts again without losing or reordering a row; and a leader killed with {@code kill -9} while its transaction is
 * open holds nobody up once the next leader starts.
 */
class OutboxTransactionsIT extends PlatformHarness {

    private static final int HOT_KEYS = 2;
    private static final int PER_KEY = 300;
    private static final List<Integer> IN_ORDER =
            IntStream.range(0, PER_KEY).boxed().toList();

    @Autowired
    Outbox outbox;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JsonMapper mapper;

    @Autowired
    OutboxRelay contextRelay;

    @Test
    void aHotKeysRowsGoInTransactionsOnceEachAndInOrder() throws Exception {
        long before = contextRelay.transactions();
        String run = UUID.randomUUID().toString();

        writeNumbered(run, () -> {});

        Map<String, List<Integer>> delivered = OutboxRelayIT.sequencesPerKey(mapper, readAll(run));
        assertThat(contextRelay.transactions() - before)
                .as("hand-overs in which a key repeated, committed in transactions")
                .isPositive();
        assertThat(delivered).hasSize(HOT_KEYS);
        delivered.forEach((key, seqs) -> assertThat(seqs).as(key).isEqualTo(IN_ORDER));
    }

    /**
     * One hand-over, one transaction's rows: a key written twice among ten keys written once. Only the key that
     * repeats needs the transaction for its order; the ten go on their own, so the commit writes its markers to one
     * partition instead of up to eleven (ADR 5, round 19). With every row of such a hand-over in the transaction, as
     * until then, this counted twelve rows in it.
     */
    @Test
    void onlyTheRowsOfAKeyThatRepeatsGoInTheTransaction() throws Exception {
        String run = UUID.randomUUID().toString();
        String hot = run + "-hot";
        long transactionsBefore = contextRelay.transactions();
        long rowsBefore = contextRelay.rowsInTransactions();

        tx.executeWithoutResult(s -> {
            outbox.append(Topics.LEDGER_EVENTS, hot, "till.test.Numbered", new OutboxRelayIT.Numbered(run, hot, 0));
            for (int i = 0; i < 10; i++) {
                String lone = run + "-lone-" + i;
                outbox.append(
                        Topics.LEDGER_EVENTS, lone, "till.test.Numbered", new OutboxRelayIT.Numbered(run, lone, 0));
            }
            outbox.append(Topics.LEDGER_EVENTS, hot, "till.test.Numbered", new OutboxRelayIT.Numbered(run, hot, 1));
        });

        Map<String, List<Integer>> delivered = OutboxRelayIT.sequencesPerKey(mapper, readAll(run));
        assertThat(contextRelay.transactions() - transactionsBefore)
                .as("transactions")
                .isEqualTo(1);
        assertThat(contextRelay.rowsInTransactions() - rowsBefore)
                .as("rows in the transaction: the repeated key's only")
                .isEqualTo(2);
        assertThat(delivered).as("keys delivered").hasSize(11);
        delivered.forEach(
                (key, seqs) -> assertThat(seqs).as(key).isEqualTo(key.equals(hot) ? List.of(0, 1) : List.of(0)));
    }

    /**
     * A rival producer registers the relay's transactional id again and again while a hot key's rows are written, as
     * another instance that believed it led would: the relay's open transaction fails, is aborted, and the relay
     * starts again from the oldest unsent row. Nothing of an aborted transaction reaches a {@code read_committed}
     * reader, every row arrives, and the first delivery of each key's rows is in order (rows the relay had sent and
     * not yet marked come again: duplicates an inbox skips).
     */
    @Test
    void aFencedRelayAbortsAndStartsAgainWithoutLossOrReordering() throws Exception {
        String run = UUID.randomUUID().toString();
        AtomicInteger fenced = new AtomicInteger();
        AtomicInteger written = new AtomicInteger();

        writeNumbered(run, () -> {
            if (written.incrementAndGet() % 75 == 0) {
                try (KafkaProducer<String, String> rival = transactionalProducer(Duration.ofSeconds(30))) {
                    rival.initTransactions();
                    fenced.incrementAndGet();
                }
            }
        });

        List<ConsumerRecord<String, String>> records = readAll(run);
        assertThat(fenced).as("times the relay's producer was fenced").hasValueGreaterThanOrEqualTo(3);
        Map<String, List<Integer>> firstDeliveries = OutboxRelayIT.firstDeliveries(mapper, records);
        assertThat(firstDeliveries).hasSize(HOT_KEYS);
        firstDeliveries.forEach((key, seqs) -> assertThat(seqs).as(key).isEqualTo(IN_ORDER));
    }

    /**
     * A leader's JVM opens a transaction with the relay's transactional id, writes to every partition of a topic and
     * is killed with {@code kill -9} before it commits. Its transaction would stay open for ten minutes, holding every
     * {@code read_committed} reader of those partitions at the last stable offset. The next relay to take the lease
     * aborts it as it starts: rows it then publishes on their own, outside any transaction, reach the reader within
     * seconds, and the dead leader's records never do.
     */
    @Test
    void aLeaderKilledWithItsTransactionOpenHoldsNobodyUpOnceTheNextLeaderStarts() throws Exception {
        String run = UUID.randomUUID().toString();
        contextRelay.stop();
        try {
            Process leader = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx64m",
                            "-cp",
                            System.getProperty("java.class.path"),
                            LeaderWithAnOpenTransaction.class.getName(),
                            TestInfrastructure.kafkaBootstrapServers(),
                            TestInfrastructure.transactionalId(DATABASE),
                            Topics.LEDGER_EVENTS,
                            run)
                    .redirectErrorStream(true)
                    .start();
            try (BufferedReader output =
                    new BufferedReader(new InputStreamReader(leader.getInputStream(), StandardCharsets.UTF_8))) {
                List<String> lines = new ArrayList<>();
                for (String line = output.readLine(); line != null && !line.equals("OPEN"); line = output.readLine()) {
                    lines.add(line);
                }
                assertThat(leader.isAlive())
                        .as("the leader opened its transaction: %s", lines)
                        .isTrue();
                leader.destroyForcibly();
                assertThat(leader.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(leader.exitValue()).as("SIGKILL").isEqualTo(137);
            }
        } finally {
            contextRelay.start();
        }

        long started = System.nanoTime();
        // One row per key: each goes on its own, not in a transaction of the new leader's.
        List<UUID> ids = new ArrayList<>();
        for (int k = 0; k < 24; k++) {
            String key = run + "-" + k;
            int n = k;
            ids.add(tx.execute(s -> outbox.append(
                    Topics.LEDGER_EVENTS, key, "till.test.Numbered", new OutboxRelayIT.Numbered(run, key, n))));
        }
        List<ConsumerRecord<String, String>> delivered =
                read(Topics.LEDGER_EVENTS, r -> r.value().contains(run), found -> found.size() >= ids.size());
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("well before the dead leader's transaction would have timed out")
                .isLessThan(Duration.ofSeconds(60));
        assertThat(TopicReader.readToEnd(
                        TestInfrastructure.kafkaBootstrapServers(),
                        Topics.LEDGER_EVENTS,
                        r -> r.value().contains(run)))
                .as("the new relay's rows, and nothing of the dead leader's transaction")
                .hasSameSizeAs(ids)
                .allMatch(r -> !r.value().contains(LeaderWithAnOpenTransaction.UNCOMMITTED));
        assertThat(delivered).hasSameSizeAs(ids);
    }

    /** The killed leader of the test above, in a JVM of its own. */
    public static final class LeaderWithAnOpenTransaction {

        static final String UNCOMMITTED = "never-committed";

        public static void main(String[] args) throws InterruptedException {
            String bootstrapServers = args[0];
            String transactionalId = args[1];
            String topic = args[2];
            String run = args[3];
            KafkaProducer<String, String> producer =
                    transactionalProducer(bootstrapServers, transactionalId, Duration.ofMinutes(10));
            producer.initTransactions();
            producer.beginTransaction();
            for (PartitionInfo partition : producer.partitionsFor(topic)) {
                producer.send(new ProducerRecord<>(topic, partition.partition(), run, run + " " + UNCOMMITTED));
            }
            producer.flush();
            System.out.println("OPEN");
            System.out.flush();
            // Killed long before this ends; bounded all the same.
            Thread.sleep(Duration.ofMinutes(5));
        }
    }

    private KafkaProducer<String, String> transactionalProducer(Duration timeout) {
        return transactionalProducer(
                TestInfrastructure.kafkaBootstrapServers(), TestInfrastructure.transactionalId(DATABASE), timeout);
    }

    static KafkaProducer<String, String> transactionalProducer(
            String bootstrapServers, String transactionalId, Duration timeout) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                        transactionalId,
                        ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                        (int) timeout.toMillis()),
                new StringSerializer(),
                new StringSerializer());
    }

    /**
     * One writer per hot key (as a partition's consumer would be) commits PER_KEY rows, two per transaction, so that
     * every hand-over holds a key more than once; {@code meanwhile} runs after every commit.
     */
    private void writeNumbered(String run, Runnable meanwhile) throws Exception {
        try (ExecutorService writers = Executors.newFixedThreadPool(HOT_KEYS)) {
            List<Future<?>> done = new ArrayList<>();
            for (int k = 0; k < HOT_KEYS; k++) {
                String key = run + "-" + k;
                done.add(writers.submit(() -> {
                    for (int seq = 0; seq < PER_KEY; seq += 2) {
                        int n = seq;
                        tx.executeWithoutResult(s -> {
                            outbox.append(
                                    Topics.LEDGER_EVENTS,
                                    key,
                                    "till.test.Numbered",
                                    new OutboxRelayIT.Numbered(run, key, n));
                            outbox.append(
                                    Topics.LEDGER_EVENTS,
                                    key,
                                    "till.test.Numbered",
                                    new OutboxRelayIT.Numbered(run, key, n + 1));
                        });
                        meanwhile.run();
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        }
    }

    /** Every record of the run, read once nothing of it is left unsent. */
    private List<ConsumerRecord<String, String>> readAll(String run) {
        await().atMost(Duration.ofSeconds(90))
                .until(() -> jdbc.sql("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
                                .query(Long.class)
                                .single()
                        == 0);
        return TopicReader.readToEnd(
                TestInfrastructure.kafkaBootstrapServers(),
                Topics.LEDGER_EVENTS,
                r -> r.key().startsWith(run));
    }
}
