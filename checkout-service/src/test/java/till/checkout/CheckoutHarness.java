package till.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import till.contracts.checkout.CheckoutConfirmed;
import till.contracts.inventory.CommitStock;
import till.contracts.inventory.ProductPriceChanged;
import till.contracts.inventory.ReserveStock;
import till.contracts.inventory.StockReserved;
import till.contracts.ledger.ChargePosted;
import till.contracts.ledger.PostCharge;
import till.platform.cloudevents.CloudEvent;
import till.platform.kafka.Topics;
import till.testsupport.StatementCounter;
import till.testsupport.TestCredentials;
import till.testsupport.TestInfrastructure;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * checkout-service alone against the JVM's real broker and PostgreSQL. The test plays inventory and ledger: it
 * reads the commands the saga sends and injects replies onto {@code checkout.replies}, so every path, duplicate
 * and late reply can be driven exactly.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"till.outbox.poll-interval=50ms", "till.listener.max-retries=2"})
@Import(StatementCounter.class)
public abstract class CheckoutHarness {

    protected static final String DATABASE = TestInfrastructure.newDatabase("checkout");
    protected static final Duration PATIENCE = Duration.ofSeconds(30);

    /** Every message on the topics the saga writes, as the test's own consumer saw them. */
    protected static final List<JsonNode> SEEN = new CopyOnWriteArrayList<>();

    /** The reader serves every test class in this JVM: a daemon thread, bounded by this much time. */
    private static final Duration READER_LIFETIME = Duration.ofMinutes(30);

    private static Thread reader;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, DATABASE);
    }

    @BeforeAll
    static void readTopics() {
        if (reader != null) {
            return;
        }
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafkaBootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "checkout-test-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // What Till's services read, and what the SPEC asks of every reader (ADR 15).
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // The topics appear when the first application context starts, after this reader subscribed.
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "500");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        JsonMapper mapper = JsonMapper.builder().build();
        long stopAt = System.nanoTime() + READER_LIFETIME.toNanos();
        reader = Thread.ofPlatform().daemon().name("test-topic-reader").start(() -> {
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
                consumer.subscribe(
                        java.util.regex.Pattern.compile("inventory\\.commands|ledger\\.commands|checkout\\.events"));
                while (System.nanoTime() < stopAt) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                        if (record.value() != null && record.value().startsWith("{")) {
                            SEEN.add(mapper.readTree(record.value()));
                        }
                    }
                }
            }
        });
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    protected int port;

    @Autowired
    protected KafkaTemplate<String, String> kafka;

    @Autowired
    protected JsonMapper mapper;

    @Autowired
    protected JdbcClient jdbc;

    protected record Response(int status, JsonNode body, HttpResponse<String> raw) {}

    protected Response post(String path, Object body, String idempotencyKey) {
        return post(path, body, idempotencyKey, Map.of());
    }

    protected Response post(String path, Object body, String idempotencyKey, Map<String, String> headers) {
        return post(TestCredentials.cashier(), path, body, idempotencyKey, headers);
    }

    /** A POST as {@code caller}, or anonymous when it is null. */
    protected Response post(
            TestCredentials.@Nullable Account caller,
            String path,
            Object body,
            String idempotencyKey,
            Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        body instanceof String raw ? raw : mapper.writeValueAsString(body)));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        headers.forEach(request::header);
        return send(request, caller);
    }

    protected Response get(String path) {
        return get(path, Map.of());
    }

    protected Response get(String path, Map<String, String> headers) {
        return get(TestCredentials.cashier(), path, headers);
    }

    /** A GET as {@code caller}, or anonymous when it is null. */
    protected Response get(TestCredentials.@Nullable Account caller, String path, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .GET();
        headers.forEach(request::header);
        return send(request, caller);
    }

    private Response send(HttpRequest.Builder request, TestCredentials.@Nullable Account caller) {
        if (caller != null) {
            caller.sign(request);
        }
        try {
            HttpResponse<String> response =
                    HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            JsonNode body = response.body().isBlank() ? mapper.nullNode() : mapper.readTree(response.body());
            return new Response(response.statusCode(), body, response);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    protected String startCheckout(String customerId, Map<String, Integer> lines) {
        Response response = post(
                "/api/checkouts",
                Map.of(
                        "customerId",
                        customerId,
                        "lines",
                        lines.entrySet().stream()
                                .map(e -> Map.of("productId", e.getKey(), "quantity", e.getValue()))
                                .toList()),
                UUID.randomUUID().toString());
        if (response.status() != 202) {
            throw new AssertionError("expected 202, got " + response.status() + " " + response.body());
        }
        return response.body().get("checkoutId").asString();
    }

    protected JsonNode checkout(String checkoutId) {
        return get("/api/checkouts/" + checkoutId).body();
    }

    /**
     * Answers every ReserveStock of the checkout at {@code price}, then the charge (which confirms it), and waits
     * for its {@code CheckoutConfirmed}: everything the confirmation sends.
     */
    protected void confirm(String checkoutId, Map<String, Integer> lines, long price) {
        awaitSent(checkoutId, ReserveStock.TYPE, lines.size());
        lines.forEach((product, quantity) ->
                reply(checkoutId, StockReserved.TYPE, new StockReserved(checkoutId, product, quantity, price)));
        JsonNode charge = awaitSent(checkoutId, PostCharge.TYPE, 1).getFirst();
        reply(
                checkoutId,
                ChargePosted.TYPE,
                new ChargePosted(
                        checkoutId,
                        charge.get("data").get("customerId").asString(),
                        charge.get("data").get("amountMinor").asLong(),
                        0L));
        // The posted charge confirms the checkout; its lines were sold at their reservations, so it sends inventory
        // nothing more (ADR 17), only its fact, in the same transaction.
        awaitStatus(checkoutId, "CONFIRMED");
        awaitSent(checkoutId, CheckoutConfirmed.TYPE, 1);
        assertThat(sent(checkoutId, CommitStock.TYPE)).as("commits sent").isEmpty();
    }

    /** {@code /actuator/invariants} as the admin reads it. */
    protected JsonNode invariants() {
        Response report = get(TestCredentials.admin(), "/actuator/invariants", Map.of());
        assertThat(report.status()).as(report.raw().body()).isEqualTo(200);
        return report.body();
    }

    protected JsonNode awaitStatus(String checkoutId, String status) {
        return await().atMost(PATIENCE)
                .until(
                        () -> checkout(checkoutId),
                        c -> status.equals(c.get("status").asString()));
    }

    /** Plays inventory or ledger: publishes a reply for the checkout, as a CloudEvent keyed by checkout id. */
    protected String reply(String checkoutId, String type, Object data) {
        CloudEvent event = CloudEvent.create(type, "/till/test", checkoutId, mapper.valueToTree(data));
        kafka.send(Topics.CHECKOUT_REPLIES, checkoutId, mapper.writeValueAsString(event))
                .join();
        return event.id();
    }

    /** Plays inventory: publishes a product's price fact on {@code inventory.prices}; returns its id. */
    protected String publishPrice(String productId, long priceMinor, long version) {
        CloudEvent event = CloudEvent.create(
                ProductPriceChanged.TYPE,
                "/till/test",
                productId,
                mapper.valueToTree(new ProductPriceChanged(productId, priceMinor, version)));
        kafka.send(Topics.INVENTORY_PRICES, productId, mapper.writeValueAsString(event))
                .join();
        return event.id();
    }

    /** Publishes a product's price and waits until the price copy keeps it, so a checkout quotes it (ADR 10). */
    protected void priced(String productId, long priceMinor) {
        publishPrice(productId, priceMinor, 1);
        await().atMost(PATIENCE).until(() -> keptPrice(productId), p -> p != null && p == priceMinor);
    }

    /** The price the copy keeps for a product, or null. */
    protected @Nullable Long keptPrice(String productId) {
        return jdbc.sql("SELECT price_minor FROM product_prices WHERE product_id = ?")
                .param(productId)
                .query(Long.class)
                .optional()
                .orElse(null);
    }

    /** Publishes exactly this envelope again: a redelivery. */
    protected void replyAgain(String checkoutId, String type, Object data, String id) {
        CloudEvent event = new CloudEvent(
                CloudEvent.SPEC_VERSION,
                id,
                type,
                "/till/test",
                checkoutId,
                java.time.Instant.now(),
                "application/json",
                mapper.valueToTree(data));
        kafka.send(Topics.CHECKOUT_REPLIES, checkoutId, mapper.writeValueAsString(event))
                .join();
    }

    /** Messages of {@code type} the saga sent for this checkout so far. */
    protected List<JsonNode> sent(String checkoutId, String type) {
        Predicate<JsonNode> mine =
                e -> checkoutId.equals(e.get("data").path("checkoutId").asString());
        return SEEN.stream()
                .filter(e -> type.equals(e.get("type").asString()))
                .filter(mine)
                .toList();
    }

    protected List<JsonNode> awaitSent(String checkoutId, String type, int count) {
        return await().atMost(PATIENCE).until(() -> sent(checkoutId, type), list -> list.size() >= count);
    }
}
