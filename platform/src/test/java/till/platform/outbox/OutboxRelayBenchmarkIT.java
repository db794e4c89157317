package till.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
import till.platform.PlatformTestApplication;
import till.platform.cloudevents.CloudEvent;
import till.platform.kafka.Topics;
import till.testsupport.TestInfrastructure;
import tools.jackson.databind.json.JsonMapper;

/**
 * The relay against the broker's own ceiling, in one run on one machine: events per second at saturation, and
 * p50/p99 commit-to-consume latency at half the relay's rate, each beside the same producer publishing directly.
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
    private static final Duration LATENCY_RUN = Duration.ofSeconds(10);
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

    private OutboxRelay relay() {
        return new OutboxRelay(
                jdbc,
                dataSource,
                tx,
                kafka,
                mapper,
                new SimpleMeterRegistry(),
                500,
                Duration.ofMillis(200),
                Duration.ofDays(1),
                true);
    }

    @Test
    void relayBesideTheDirectProducer() throws Exception {
        String run = UUID.randomUUID().toString();
        String padding = "x".repeat(200);
        String sampleEvent = mapper.writeValueAsString(CloudEvent.create(
                "till.bench.Payload", "/bench", "k", mapper.valueToTree(new Payload(run, 0, padding))));

        // Direct: the same producer, the same record size and keys, every acknowledgement awaited.
        long start = System.nanoTime();
        List<java.util.concurrent.CompletableFuture<?>> acks = new ArrayList<>();
        for (int i = 0; i < SATURATION_EVENTS; i++) {
            acks.add(kafka.send(Topics.LEDGER_EVENTS, "key-" + (i % KEYS), sampleEvent));
        }
        java.util.concurrent.CompletableFuture.allOf(acks.toArray(java.util.concurrent.CompletableFuture[]::new))
                .get(5, TimeUnit.MINUTES);
        double directRate = SATURATION_EVENTS / ((System.nanoTime() - start) / 1e9);

        // Relay: the same number of committed rows, drained by one relay from a standing start.
        for (int batch = 0; batch < SATURATION_EVENTS / 100; batch++) {
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
        start = System.nanoTime();
        relay.start();
        await().atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> jdbc.sql("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
                                .query(Long.class)
                                .single()
                        == 0);
        double relayRate = SATURATION_EVENTS / ((System.nanoTime() - start) / 1e9);

        // Latency at half the relay's saturation rate, through the relay and then directly.
        int rate = (int) (relayRate / 2);
        List<Long> relayLatency = latency(rate, id -> {
            UUID[] written = new UUID[1];
            tx.executeWithoutResult(s -> written[0] = outbox.append(
                    Topics.LEDGER_EVENTS,
                    "key-" + (id.hashCode() & 0xff) % KEYS,
                    "till.bench.Payload",
                    new Payload(id, 0, padding)));
            return written[0].toString();
        });
        relay.stop();
        List<Long> directLatency = latency(rate, id -> {
            CloudEvent event = CloudEvent.create(
                    "till.bench.Payload", "/bench", "k", mapper.valueToTree(new Payload(id, 0, padding)));
            kafka.send(Topics.LEDGER_EVENTS, "key-" + (id.hashCode() & 0xff) % KEYS, mapper.writeValueAsString(event));
            return event.id();
        });

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
        System.out.printf(
                "| %-44s | %15.1f | %15.1f | %7.2fx |%n",
                "p50 commit-to-consume ms at " + rate + " events/s",
                percentile(directLatency, 50),
                percentile(relayLatency, 50),
                percentile(relayLatency, 50) / percentile(directLatency, 50));
        System.out.printf(
                "| %-44s | %15.1f | %15.1f | %7.2fx |%n",
                "p99 commit-to-consume ms at " + rate + " events/s",
                percentile(directLatency, 99),
                percentile(relayLatency, 99),
                percentile(relayLatency, 99) / percentile(directLatency, 99));
        System.out.println();
        assertThat(relayLatency).hasSizeGreaterThan(rate * 5);
    }

    /** Writes at {@code rate} per second for LATENCY_RUN from 4 paced threads; returns per-message latency in µs. */
    private List<Long> latency(int rate, java.util.function.Function<String, String> write) throws Exception {
        Map<String, Long> committed = new ConcurrentHashMap<>();
        List<Long> micros = new CopyOnWriteArrayList<>();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "5");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        int writers = 4;
        long perWriterGapNanos = (long) (1e9 * writers / Math.max(rate, 1));
        long total = rate * LATENCY_RUN.toSeconds();
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
            long deadline = System.nanoTime() + LATENCY_RUN.plusSeconds(30).toNanos();
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
