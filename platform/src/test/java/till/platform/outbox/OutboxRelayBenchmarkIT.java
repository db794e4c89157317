package till.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import till.bench.BenchReport;
import till.bench.Charts;
import till.bench.Table;
import till.platform.PlatformTestApplication;
import till.platform.cloudevents.CloudEvent;
import till.platform.kafka.Topics;
import till.testsupport.TestInfrastructure;
import tools.jackson.databind.json.JsonMapper;

/**
 * The relay against the broker's own ceiling, in one run on one machine: events per second at saturation, and
 * p50/p99 commit-to-consume latency at half the relay's rate (and at a quarter of it, and at 1,000/s), each beside the
 * same producer publishing directly.
 *
 * <p>The relay's latency is measured twice per rate: with one event per business transaction and with ten. On two
 * cores, one-event transactions at half the relay's rate cost more CPU than the machine has (the benchmark measures
 * that too, with the writers alone), so that row measures the writers' queue as much as the relay.
 *
 * <p>Every path runs once unmeasured first: on two cores the JIT compiling the other path's code otherwise lands in
 * whichever phase runs next, which once made the same relay measure p50 72 ms before and 13 ms after warm-up.
 *
 * <p>Prints a table and keeps it, its figures and a chart in {@code target/bench/}. Run: {@code ./run bench outbox}, or {@code ./mvnw -B verify -pl platform -Dtill.bench=true
 * -Dit.test=OutboxRelayBenchmarkIT}
 */
@EnabledIfSystemProperty(named = "till.bench", matches = "true")
@SpringBootTest(
        classes = PlatformTestApplication.class,
        properties = {"till.outbox.relay.enabled=false", "logging.level.till=WARN"})
class OutboxRelayBenchmarkIT {

    private static final String DATABASE = TestInfrastructure.newDatabase("relaybench");
    private static final int SATURATION_EVENTS = Integer.getInteger("till.bench.events", 20_000);
    private static final int WARM_UP_EVENTS = 5_000;
    private static final Duration LATENCY_RUN = Duration.ofSeconds(10);
    private static final Duration WARM_UP_RUN = Duration.ofSeconds(4);
    private static final int KEYS = 50;
    private static final int BATCHED = 10;
    private static final int WRITERS = 4;
    private static final String DIRECT_PRODUCER = "direct producer";
    /** {@code -Dtill.bench.direct=false} measures the relay without direct hand-over (ADR 6): every row read. */
    private static final boolean DIRECT = !"false".equals(System.getProperty("till.bench.direct"));
    /** Adds to {@link System#nanoTime()} to give epoch nanoseconds, comparable with the records' timestamps. */
    private static final long EPOCH_OFFSET_NANOS = System.currentTimeMillis() * 1_000_000 - System.nanoTime();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, DATABASE);
    }

    record Payload(String run, int n, String padding) {}

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

    private final String run = UUID.randomUUID().toString();
    private final String padding = "x".repeat(200);

    private OutboxRelay relay() {
        return new OutboxRelay(
                dataSource,
                kafka,
                mapper,
                new SimpleMeterRegistry(),
                OutboxProperties.of(500, 2000, Duration.ofMillis(200), OutboxProperties.Relay.of(true, DIRECT, "")));
    }

    /** Writes {@code events} messages (one transaction for the relay) and returns their ids. */
    private interface Writer {
        List<String> write(int events);
    }

    /**
     * What one latency phase measured: per event, commit to consume (µs) and commit to handed to the producer (ms);
     * and the machine's busy cores over the phase (-1 if unknown).
     */
    private record Latencies(List<Long> toConsumeMicros, List<Long> toSendMillis, double busyCores) {}

    @Test
    void relayBesideTheDirectProducer() throws Exception {
        directSaturation(WARM_UP_EVENTS);
        relaySaturation(WARM_UP_EVENTS);
        double directRate = directSaturation(SATURATION_EVENTS);
        double relayRate = relaySaturation(SATURATION_EVENTS);
        int half = (int) (relayRate / 2);
        int quarter = (int) (relayRate / 4);

        Writer throughRelay = events -> tx.execute(s -> outbox.appendAll(messages(events))).stream()
                .map(UUID::toString)
                .toList();
        Writer direct = events -> {
            List<String> ids = new ArrayList<>(events);
            for (int i = 0; i < events; i++) {
                CloudEvent event = CloudEvent.create(
                        "till.bench.Payload", "/bench", "k", mapper.valueToTree(new Payload(run, i, padding)));
                kafka.send(
                        Topics.LEDGER_EVENTS,
                        "key-" + ThreadLocalRandom.current().nextInt(KEYS),
                        mapper.writeValueAsString(event));
                ids.add(event.id());
            }
            return ids;
        };
        double[] writersAlone = writersAlone(throughRelay, half, Duration.ofSeconds(5));
        OutboxRelay relay = relay();
        // The relay's own instance writes, as in a service of one instance: woken in-process, not by NOTIFY.
        Outbox outboxOfRelay = new Outbox(jdbc, mapper, relay, "relaybench");
        Writer throughActiveRelay = events -> tx.execute(s -> outboxOfRelay.appendAll(messages(events))).stream()
                .map(UUID::toString)
                .toList();
        relay.start();
        // Per rate: direct, then the relay with one event per transaction, then with ten.
        Map<Integer, List<Latencies>> latencies = new LinkedHashMap<>();
        long readsBefore = relay.tableReads();
        try {
            latency(half, WARM_UP_RUN, throughActiveRelay, 1);
            latency(half, WARM_UP_RUN, direct, 1);
            for (int rate : quarter > 1_000 ? List.of(half, quarter, 1_000) : List.of(half, quarter)) {
                latencies.put(
                        rate,
                        List.of(
                                latency(rate, LATENCY_RUN, direct, 1),
                                latency(rate, LATENCY_RUN, throughActiveRelay, 1),
                                latency(rate, LATENCY_RUN, throughActiveRelay, BATCHED)));
            }
        } finally {
            relay.stop();
        }

        String saturation = "saturation (%d events)".formatted(SATURATION_EVENTS);
        Table table = Table.of(
                        Table.Column.text("measure"),
                        Table.Column.figure("direct producer"),
                        Table.Column.figure("outbox relay"),
                        Table.Column.figure("ratio"))
                .row(
                        "events/s at " + saturation,
                        "%.0f".formatted(directRate),
                        "%.0f".formatted(relayRate),
                        "%.2fx".formatted(relayRate / directRate));
        BenchReport report = BenchReport.named(
                        "outbox",
                        "Outbox relay beside the same producer publishing directly (1 broker, 1 PostgreSQL, this machine)")
                .table(table)
                .measured(saturation, DIRECT_PRODUCER, "events", "events/s", directRate)
                .measured(saturation, relayPer(1), "events", "events/s", relayRate)
                .chart(Charts.together(
                        Charts.bars(
                                "Events per second at saturation",
                                m -> m.scenario().equals(saturation)),
                        Charts.latencyAgainstThroughput(
                                "Outbox relay: commit-to-consume latency against the rate written",
                                scenario -> scenario.startsWith("at "),
                                scenario -> false,
                                "rate written",
                                List.of("p50", "p99"))));
        latencies.forEach((rate, measured) -> {
            String atRate = "at %d events/s".formatted(rate);
            report.measured(atRate, DIRECT_PRODUCER, "rate written", "events/s", rate);
            for (int p : new int[] {50, 99}) {
                report.measured(
                        atRate,
                        DIRECT_PRODUCER,
                        "p" + p,
                        "ms",
                        percentile(measured.get(0).toConsumeMicros(), p) / 1000.0);
            }
            for (int perTransaction : new int[] {1, BATCHED}) {
                Latencies relayed = measured.get(perTransaction == 1 ? 1 : 2);
                report.measured(atRate, relayPer(perTransaction), "rate written", "events/s", rate);
                for (int p : new int[] {50, 99}) {
                    double directMs = percentile(measured.get(0).toConsumeMicros(), p) / 1000.0;
                    double relayMs = percentile(relayed.toConsumeMicros(), p) / 1000.0;
                    table.row(
                            "p%d commit-to-consume ms at %d events/s, %d per tx".formatted(p, rate, perTransaction),
                            "%.1f".formatted(directMs),
                            "%.1f".formatted(relayMs),
                            "%.2fx".formatted(relayMs / directMs));
                    report.measured(atRate, relayPer(perTransaction), "p" + p, "ms", relayMs);
                }
            }
        });
        report.note(
                "Direct hand-over %s: in the latency phases, %d rows handed over directly and %d pages read from the"
                                .formatted(
                                        DIRECT ? "on" : "off (-Dtill.bench.direct=false)",
                                        relay.directHandOvers(),
                                        relay.tableReads() - readsBefore)
                        + " table");
        report.note("Of the relay's latency, commit to handed to the producer (ms, from the record timestamp), and the"
                + " machine's busy cores during each phase:");
        latencies.forEach((rate, measured) -> {
            for (int perTransaction : new int[] {1, BATCHED}) {
                Latencies relayed = measured.get(perTransaction == 1 ? 1 : 2);
                report.note("  at %d events/s, %2d per transaction: p50 %d, p99 %d; busy cores %.2f (direct %.2f)"
                        .formatted(
                                rate,
                                perTransaction,
                                percentile(relayed.toSendMillis(), 50),
                                percentile(relayed.toSendMillis(), 99),
                                relayed.busyCores(),
                                measured.get(0).busyCores()));
            }
        });
        report.note("Writers alone at %d one-event transactions/s, no relay running: %.0f transactions/s achieved, %s"
                .formatted(
                        half,
                        writersAlone[0],
                        writersAlone[1] < 0
                                ? "CPU not measured (no /proc/stat)"
                                : "%.2f of %d cores busy"
                                        .formatted(
                                                writersAlone[1],
                                                Runtime.getRuntime().availableProcessors())));
        assertThat(report.write().text()).exists();
        latencies.forEach((rate, measured) -> measured.forEach(phase ->
                assertThat(phase.toConsumeMicros()).as("consumed at %d/s", rate).hasSizeGreaterThan(rate * 5)));
    }

    private static String relayPer(int eventsPerTransaction) {
        return "outbox relay, %d per tx".formatted(eventsPerTransaction);
    }

    private List<Outbox.Message> messages(int events) {
        List<Outbox.Message> messages = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            String key = "key-" + ThreadLocalRandom.current().nextInt(KEYS);
            messages.add(
                    new Outbox.Message(Topics.LEDGER_EVENTS, key, "till.bench.Payload", new Payload(run, i, padding)));
        }
        return messages;
    }

    /** The producer alone: the same record size and keys, every acknowledgement awaited. Returns events/s. */
    private double directSaturation(int events) throws Exception {
        String event = mapper.writeValueAsString(CloudEvent.create(
                "till.bench.Payload", "/bench", "k", mapper.valueToTree(new Payload(run, 0, padding))));
        long start = System.nanoTime();
        List<CompletableFuture<?>> acks = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            acks.add(kafka.send(Topics.LEDGER_EVENTS, "key-" + (i % KEYS), event));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        return events / ((System.nanoTime() - start) / 1e9);
    }

    /** The same number of committed rows, drained by one relay from a standing start. Returns events/s. */
    private double relaySaturation(int events) {
        for (int batch = 0; batch < events / 100; batch++) {
            int first = batch * 100;
            tx.executeWithoutResult(s -> {
                for (int i = first; i < first + 100; i++) {
                    outbox.append(
                            Topics.LEDGER_EVENTS,
                            "key-" + (i % KEYS),
                            "till.bench.Payload",
                            new Payload(run, i, padding));
                }
            });
        }
        OutboxRelay relay = relay();
        long start = System.nanoTime();
        relay.start();
        try {
            await().atMost(Duration.ofMinutes(5))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> jdbc.sql("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
                                    .query(Long.class)
                                    .single()
                            == 0);
            return events / ((System.nanoTime() - start) / 1e9);
        } finally {
            relay.stop();
        }
    }

    /**
     * Writes {@code rate} events per second for {@code run} from {@code WRITERS} paced threads, {@code perWrite} events at a time;
     * returns each event's latency from commit to consume (µs) and from commit to the producer (ms).
     */
    private Latencies latency(int rate, Duration run, Writer writer, int perWrite) throws Exception {
        Map<String, Long> committed = new ConcurrentHashMap<>();
        // Only this thread (the consumer) adds to them; a copy-on-write list here once cost more CPU than the relay.
        List<Long> micros = new ArrayList<>((int) (rate * run.toSeconds()));
        List<Long> toSend = new ArrayList<>((int) (rate * run.toSeconds()));
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // What Till's services read, and what the SPEC asks of every reader (ADR 15).
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "5");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        long perWriterGapNanos = (long) (1e9 * WRITERS * perWrite / Math.max(rate, 1));
        long writesPerWriter = rate * run.toSeconds() / perWrite / WRITERS;
        long total = writesPerWriter * WRITERS * perWrite;
        long[] ticksBefore = cpuTicks();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
                ExecutorService threads = Executors.newFixedThreadPool(WRITERS)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.LEDGER_EVENTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            List<Future<?>> done = paced(threads, writesPerWriter, perWriterGapNanos, () -> {
                List<String> ids = writer.write(perWrite);
                long now = System.nanoTime();
                ids.forEach(id -> committed.putIfAbsent(id, now));
            });
            long deadline = System.nanoTime() + run.plusSeconds(30).toNanos();
            while (micros.size() < total && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.nanoTime();
                    String id = mapper.readTree(record.value()).get("id").asString();
                    Long at = committed.putIfAbsent(id, now);
                    // Consumed before the writer noted its commit time: below our resolution.
                    long commitNanos = at == null ? now : at;
                    micros.add((now - commitNanos) / 1_000);
                    toSend.add(Math.max(0, record.timestamp() - (commitNanos + EPOCH_OFFSET_NANOS) / 1_000_000));
                }
            }
            for (Future<?> f : done) {
                f.get(1, TimeUnit.MINUTES);
            }
        }
        return new Latencies(micros, toSend, busyCores(ticksBefore, cpuTicks()));
    }

    /**
     * The relay path's writers with nothing else running: one-event transactions at {@code rate} per second for
     * {@code duration}. Returns the transactions per second achieved and the machine's busy cores (-1 if unknown).
     */
    private double[] writersAlone(Writer throughRelay, int rate, Duration duration) throws Exception {
        long[] before = cpuTicks();
        long start = System.nanoTime();
        long perWriter = rate * duration.toSeconds() / WRITERS;
        try (ExecutorService threads = Executors.newFixedThreadPool(WRITERS)) {
            for (Future<?> f : paced(threads, perWriter, (long) (1e9 * WRITERS / Math.max(rate, 1)), () -> {
                throughRelay.write(1);
            })) {
                f.get(2, TimeUnit.MINUTES);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long[] after = cpuTicks();
        // Leave them for nobody: the latency phases that follow must start from an empty outbox.
        jdbc.sql("UPDATE outbox SET sent_at = now() WHERE sent_at IS NULL").update();
        return new double[] {perWriter * WRITERS / seconds, busyCores(before, after)};
    }

    /** Starts {@code WRITERS} threads, each running {@code write} {@code times} times, {@code gapNanos} apart. */
    private static List<Future<?>> paced(ExecutorService threads, long times, long gapNanos, Runnable write) {
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            done.add(threads.submit(() -> {
                long next = System.nanoTime();
                for (long i = 0; i < times; i++) {
                    LockSupport.parkNanos(next - System.nanoTime());
                    next += gapNanos;
                    write.run();
                }
                return null;
            }));
        }
        return done;
    }

    private static double busyCores(long[] before, long[] after) {
        return before == null || after == null
                ? -1
                : (double) (after[0] - before[0])
                        / (after[1] - before[1])
                        * Runtime.getRuntime().availableProcessors();
    }

    /** Busy and total jiffies of all CPUs from /proc/stat, or null where there is none. */
    private static long[] cpuTicks() {
        try {
            String[] fields =
                    Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long busy = 0;
            long total = 0;
            for (int i = 1; i < fields.length; i++) {
                long ticks = Long.parseLong(fields[i]);
                total += ticks;
                // idle and iowait
                busy += i == 4 || i == 5 ? 0 : ticks;
            }
            return new long[] {busy, total};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long percentile(List<Long> values, double p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p / 100 * sorted.size()) - 1));
    }
}
