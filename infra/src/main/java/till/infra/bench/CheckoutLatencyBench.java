package till.infra.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import till.contracts.checkout.CheckoutConfirmed;
import till.infra.demo.TillClient;
import till.infra.stack.Stack;
import till.infra.stack.TillService;
import till.platform.kafka.Topics;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./run bench checkout}: time from {@code POST /api/checkouts} to its CheckoutConfirmed on
 * {@code checkout.events}, for checkouts one at a time (the baseline: the saga's own latency on an idle stack)
 * and for 1,000 checkouts from 16 tills at once, in the same run on the same stack.
 */
public final class CheckoutLatencyBench {

    record Run(String name, int checkouts, int inFlight, List<Long> micros, double seconds) {

        long percentile(double p) {
            List<Long> sorted = new ArrayList<>(micros);
            Collections.sort(sorted);
            return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p / 100.0 * sorted.size()) - 1));
        }

        String row() {
            return "  %-28s %9d %9d %8.1f %8.1f %8.1f %12.1f"
                    .formatted(
                            name,
                            checkouts,
                            inFlight,
                            percentile(50) / 1000.0,
                            percentile(99) / 1000.0,
                            percentile(100) / 1000.0,
                            checkouts / seconds);
        }
    }

    private final TillClient client;
    private final String checkoutUrl;
    private final Map<String, CompletableFuture<Long>> confirmations = new ConcurrentHashMap<>();
    private final List<String> products = new ArrayList<>();
    private final List<String> customers = new ArrayList<>();

    private CheckoutLatencyBench(TillClient client, String checkoutUrl) {
        this.client = client;
        this.checkoutUrl = checkoutUrl;
    }

    public static void main(String[] args) throws Exception {
        int checkouts = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        Path root =
                Path.of(System.getProperty("till.root", ".")).toAbsolutePath().normalize();
        Stack.Options options = Stack.Options.throwAway(root);
        try (Stack stack = Stack.start(options, line -> System.out.println("till: " + line));
                TillClient client = new TillClient()) {
            Runtime.getRuntime().addShutdownHook(new Thread(stack::stop));
            CheckoutLatencyBench bench = new CheckoutLatencyBench(
                    client, stack.service(TillService.Name.CHECKOUT).url());
            bench.setUp(
                    stack.service(TillService.Name.INVENTORY).url(),
                    stack.service(TillService.Name.LEDGER).url());
            Thread listener = bench.listen(stack.kafkaBootstrapServers());
            bench.run("warm-up (not counted)", 100, 8);
            Run baseline = bench.run("baseline: one at a time", 100, 1);
            Run load = bench.run("load: 16 tills at once", checkouts, 16);
            listener.interrupt();
            System.out.println();
            System.out.println("Checkout latency: POST /api/checkouts to CheckoutConfirmed on checkout.events");
            System.out.println("  (embedded stack on this machine: 3 service JVMs, 1 broker, 1 PostgreSQL)");
            System.out.println("  %-28s %9s %9s %8s %8s %8s %12s"
                    .formatted("run", "checkouts", "in flight", "p50 ms", "p99 ms", "max ms", "checkouts/s"));
            System.out.println(baseline.row());
            System.out.println(load.row());
            System.out.printf(
                    "  under load: p50 %.1fx and p99 %.1fx the one-at-a-time latency, %.1fx the throughput%n%n",
                    (double) load.percentile(50) / baseline.percentile(50),
                    (double) load.percentile(99) / baseline.percentile(99),
                    (load.checkouts() / load.seconds()) / (baseline.checkouts() / baseline.seconds()));
        }
        System.exit(0);
    }

    private void setUp(String inventoryUrl, String ledgerUrl) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 50; i++) {
            String product = "bench-" + run + "-" + i;
            require(client.put(
                    inventoryUrl + "/api/products/" + product,
                    Map.of("name", "Bench product " + i, "priceMinor", 100, "onHand", 1_000_000),
                    Map.of()));
            products.add(product);
            String customer = "bench-customer-" + run + "-" + i;
            require(client.put(
                    ledgerUrl + "/api/customers/" + customer,
                    Map.of("name", "Bench customer " + i, "creditLimitMinor", 1_000_000_000L),
                    Map.of()));
            customers.add(customer);
        }
    }

    /** Completes each checkout's future when its CheckoutConfirmed arrives, from a consumer at the topic's end. */
    private Thread listen(String bootstrapServers) throws InterruptedException {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        JsonMapper json = JsonMapper.builder().build();
        CompletableFuture<Void> assigned = new CompletableFuture<>();
        Thread thread = Thread.ofPlatform().daemon().name("bench-events").start(() -> {
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
                List<TopicPartition> partitions = consumer.partitionsFor(Topics.CHECKOUT_EVENTS).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition()))
                        .toList();
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position);
                assigned.complete(null);
                while (!Thread.currentThread().isInterrupted()) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                        long now = System.nanoTime();
                        JsonNode event = json.readTree(record.value());
                        if (CheckoutConfirmed.TYPE.equals(event.get("type").asString())) {
                            confirmations
                                    .computeIfAbsent(record.key(), k -> new CompletableFuture<>())
                                    .complete(now);
                        }
                    }
                }
            } catch (org.apache.kafka.common.errors.InterruptException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            assigned.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not read checkout.events", e);
        }
        return thread;
    }

    private Run run(String name, int checkouts, int inFlight) throws Exception {
        List<Long> micros = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        try (ExecutorService tills = Executors.newFixedThreadPool(inFlight)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < inFlight; t++) {
                done.add(tills.submit(() -> {
                    for (int i = next.getAndIncrement(); i < checkouts; i = next.getAndIncrement()) {
                        micros.add(oneCheckout(i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(10, TimeUnit.MINUTES);
            }
        }
        return new Run(name, checkouts, inFlight, List.copyOf(micros), (System.nanoTime() - start) / 1e9);
    }

    private long oneCheckout(int i) throws Exception {
        long posted = System.nanoTime();
        TillClient.Response response = client.post(
                checkoutUrl + "/api/checkouts",
                Map.of(
                        "customerId",
                        customers.get(i % customers.size()),
                        "lines",
                        List.of(Map.of("productId", products.get(i % products.size()), "quantity", 1))),
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        require(response);
        String id = response.body().get("checkoutId").asString();
        long confirmed = confirmations
                .computeIfAbsent(id, k -> new CompletableFuture<>())
                .get(60, TimeUnit.SECONDS);
        confirmations.remove(id);
        return (confirmed - posted) / 1_000;
    }

    private static void require(TillClient.Response response) {
        if (response.status() >= 300) {
            throw new IllegalStateException("HTTP " + response.status() + ": " + response.body());
        }
    }
}
