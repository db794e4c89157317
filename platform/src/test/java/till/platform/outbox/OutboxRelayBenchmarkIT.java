package till.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
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
 * <p>Every path runs once unmeasured first: on two cores the JIT compiling the other path's code otherwise lands in
 * whichever phase runs next, which once made the same relay measure p50 72 ms before and 13 ms after warm-up.
 *
 * <p>Run: {@code ./run bench outbox}, or {@code ./mvnw -B verify -pl platform -Dtill.bench=true
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
                500,
                2000,
                Duration.ofMillis(200),
                Duration.ofDays(1),
                true);
    }

    @Test
    void relayBesideTheDirectProducer() throws Exception {
        directSaturation(WARM_UP_EVENTS);
        relaySaturation(WARM_UP_EVENTS);
        double directRate = directSaturation(SATURATION_EVENTS);
        double relayRate = relaySaturation(SATURATION_EVENTS);

        // Latency at half (the goal) and a quarter of the relay's saturation rate, and at 1,000/s, through the relay
        // and directly.
        Function<String, String> throughRelay = id -> {
            UUID[] written = new UUID[1];
            tx.executeWithoutResult(s -> written[0] = outbox.append(
                    Topics.LEDGER_EVENTS,
                    "key-" + (id.hashCode() & 0xff) % KEYS,
                    "till.bench.Payload",
                    new Payload(id, 0, padding)));
            return written[0].toString();
        };
        Function<String, String> direct = id -> {
            CloudEvent event = CloudEvent.create(
                    "till.bench.Payload", "/bench", "k", mapper.valueToTree(new Payload(id, 0, padding)));
            kafka.send(Topics.LEDGER_EVENTS, "key-" + (id.hashCode() & 0xff) % KEYS, mapper.writeValueAsString(event));
            return event.id();
        };
        int half = (int) (relayRate / 2);
        int quarter = (int) (relayRate / 4);
        OutboxRelay relay = relay();
        relay.start();
        Map<Integer, List<List<Long>>> latencies = new LinkedHashMap<>();
        try {
            latency(half, WARM_UP_RUN, throughRelay);
            latency(half, WARM_UP_RUN, direct);
            for (int rate : quarter > 1_000 ? List.of(half, quarter, 1_000) : List.of(half, quarter)) {
                latencies.put(
                        rate, List.of(latency(rate, LATENCY_RUN, direct), latency(rate, LATENCY_RUN, throughRelay)));
            }
        } finally {
            relay.stop();
        }

        System.out.println();
        System.out.println(
                "Outbox relay beside the same producer publishing directly (1 broker, 1 PostgreSQL, this machine)");
        System.out.printf("| %-44s | %15s | %15s | %8s |%n", "measure", "direct producer", "outbox relay", "ratio");
        System.out.printf(
                "| %-44s | %15.0f | %15.0f | %7.2fx |%n",
                "events/s at saturation (" + SATURATION_EVENTS + " events)",
                directRate,
                relayRate,
                relayRate / directRate);
        latencies.forEach((rate, measured) -> {
            for (int p : new int[] {50, 99}) {
                double directMs = percentile(measured.get(0), p);
                double relayMs = percentile(measured.get(1), p);
                System.out.printf(
                        "| %-44s | %15.1f | %15.1f | %7.2fx |%n",
                        "p" + p + " commit-to-consume ms at " + rate + " events/s",
                        directMs,
                        relayMs,
                        relayMs / directMs);
            }
        });
        System.out.println();
        latencies.forEach((rate, measured) ->
                assertThat(measured.get(1)).as("relay at %d/s", rate).hasSizeGreaterThan(rate * 5));
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

    /** Writes at {@code rate} per second for {@code run} from 4 paced threads; returns per-message latency in µs. */
    private List<Long> latency(int rate, Duration run, Function<String, String> write) throws Exception {
        Map<String, Long> committed = new ConcurrentHashMap<>();
        // Only this thread (the consumer) adds to it; a copy-on-write list here once cost more CPU than the relay.
        List<Long> micros = new ArrayList<>((int) (rate * run.toSeconds()));
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "5");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        int writers = 4;
        long perWriterGapNanos = (long) (1e9 * writers / Math.max(rate, 1));
        long total = rate * run.toSeconds();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
                ExecutorService threads = Executors.newFixedThreadPool(writers)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.LEDGER_EVENTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                done.add(threads.submit(() -> {
                    long next = System.nanoTime();
                    for (long i = 0; i < total / writers; i++) {
                        LockSupport.parkNanos(next - System.nanoTime());
                        next += perWriterGapNanos;
                        String id = write.apply(UUID.randomUUID().toString());
                        committed.putIfAbsent(id, System.nanoTime());
                    }
                    return null;
                }));
            }
            long deadline = System.nanoTime() + run.plusSeconds(30).toNanos();
            while (micros.size() < total - total % writers && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.nanoTime();
                    String id = mapper.readTree(record.value()).get("id").asString();
                    Long at = committed.get(id);
                    if (at == null) {
                        // Consumed before the writer noted its commit time: the latency is below our resolution.
                        committed.put(id, now);
                        micros.add(0L);
                    } else {
                        micros.add((now - at) / 1_000);
                    }
                }
            }
            for (Future<?> f : done) {
                f.get(1, TimeUnit.MINUTES);
            }
        }
        return micros;
    }

    private static double percentile(List<Long> micros, double p) {
        List<Long> sorted = new ArrayList<>(micros);
        Collections.sort(sorted);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p / 100 * sorted.size()) - 1)) / 1000.0;
    }
}
