package till.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import till.platform.cloudevents.CloudEvent;
import till.platform.kafka.Topics;
import till.testsupport.StatementCounter;
import till.testsupport.TestCredentials;
import till.testsupport.TestInfrastructure;
import till.testsupport.TopicReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The running service against the JVM's one real broker and PostgreSQL. Every integration test extends this with
 * the same configuration, so they share one application context (and one consumer group): tests stay apart by
 * using their own product and checkout ids.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.kafka.listener.concurrency=2",
            "till.listener.max-retries=3",
            "till.listener.initial-backoff-ms=50",
            "till.outbox.poll-interval=50ms",
            // These tests play checkout-service and leave reservations held on purpose, in one database for the
            // whole run (many minutes): the invariants must not count them against the limit a stack sets from its
            // checkouts' deadline (ADR 16). AReservationHeldPastItsLimitIsReportedIT ages one past this limit.
            "till.inventory.reservation.hold-limit=1h"
        })
@Import(StatementCounter.class)
public abstract class InventoryHarness {

    protected static final String DATABASE = TestInfrastructure.newDatabase("inventory");
    protected static final Duration PATIENCE = Duration.ofSeconds(60);

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, DATABASE);
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

    @Autowired
    protected MeterRegistry meters;

    protected record Response(
            int status,
            java.net.http.HttpHeaders headers,
            @Nullable JsonNode body) {

        public String header(String name) {
            return headers.firstValue(name).orElseThrow(() -> new AssertionError("no header " + name));
        }
    }

    /** A request as the admin, who may do everything. */
    protected Response http(String method, String path, @Nullable Object body, String... headers) {
        return httpAs(TestCredentials.admin(), method, path, body, headers);
    }

    /** A request as {@code caller}, or anonymous when it is null. */
    protected Response httpAs(
            TestCredentials.@Nullable Account caller,
            String method,
            String path,
            @Nullable Object body,
            String... headers) {
        try {
            var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(
                                            body instanceof String s ? s : mapper.writeValueAsString(body)));
            if (headers.length > 0) {
                request.headers(headers);
            }
            if (caller != null) {
                caller.sign(request);
            }
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isBlank() ? null : mapper.readTree(response.body());
            return new Response(response.statusCode(), response.headers(), json);
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        }
    }

    /** Creates a product by REST and returns its ETag. */
    protected String createProduct(String productId, long priceMinor, long onHand) {
        Response created = http(
                "PUT",
                "/api/products/" + productId,
                Map.of("name", "Product " + productId, "priceMinor", priceMinor, "onHand", onHand));
        assertThat(created.status()).isEqualTo(201);
        return created.header("ETag");
    }

    /**
     * Leaves a reservation as an inventory from before ADR 17 made it: held (RESERVED, counted in the product's
     * {@code reserved}), not sold, awaiting a {@code CommitStock} or a {@code ReleaseStock}. The product's version
     * moves as that reservation's write moved it.
     */
    protected void holdAsBefore(String checkoutId, String productId, long quantity) {
        jdbc.sql("""
                        WITH held AS (
                            UPDATE products SET reserved = reserved + :quantity, version = version + 1
                            WHERE product_id = :product
                            RETURNING price_minor)
                        INSERT INTO reservations (checkout_id, product_id, quantity, unit_price_minor, state)
                        SELECT :checkout, :product, :quantity, price_minor, 'RESERVED' FROM held
                        """)
                .param("checkout", checkoutId)
                .param("product", productId)
                .param("quantity", quantity)
                .update();
    }

    public record Row(long onHand, long reserved, long version) {}

    protected Row row(String productId) {
        return jdbc.sql("SELECT on_hand, reserved, version FROM products WHERE product_id = ?")
                .param(productId)
                .query((rs, n) -> new Row(rs.getLong("on_hand"), rs.getLong("reserved"), rs.getLong("version")))
                .single();
    }

    /** Builds a command as another service would write it; send it (once or more) with {@link #send}. */
    protected CloudEvent command(String type, String productId, Object data) {
        return CloudEvent.create(type, "/till/test", productId, mapper.valueToTree(data));
    }

    protected void send(CloudEvent command) {
        sendRaw(command.subject(), mapper.writeValueAsString(command));
    }

    protected void sendRaw(String key, String value) {
        try {
            kafka.send(Topics.INVENTORY_COMMANDS, key, value).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not send a command", e);
        }
    }

    protected double counter(String name) {
        return meters.counter(name).count();
    }

    /** Outbox rows not yet acknowledged by the broker: 0 once every message written so far is on its topic. */
    protected long unsentOutboxRows() {
        return jdbc.sql("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
                .query(Long.class)
                .single();
    }

    protected JsonNode invariants() {
        Response report = http("GET", "/actuator/invariants", null);
        assertThat(report.status()).isEqualTo(200);
        return report.body();
    }

    /** A message seen on a topic: its key, its CloudEvent type and data, its headers. */
    protected record Seen(String key, String type, JsonNode data, ConsumerRecord<String, String> record) {}

    /** Reads a whole topic from the beginning, on the calling thread; tests filter by their own keys. */
    protected final class TopicTap implements AutoCloseable {

        private final TopicReader reader;

        public TopicTap(String topic) {
            reader = TopicReader.open(TestInfrastructure.kafkaBootstrapServers(), topic);
        }

        public List<ConsumerRecord<String, String>> records(Set<String> keys) {
            return withKeys(reader.records(), keys);
        }

        /**
         * Reads on until every partition's end offset as it is now, then returns {@link #events}: for a check that
         * nothing more came, called once whatever could have sent more has happened.
         */
        public List<Seen> eventsToEnd(Set<String> keys) {
            return parse(recordsToEnd(keys));
        }

        /** {@link #records}, read on until every partition's end offset as it is now (see {@link #eventsToEnd}). */
        public List<ConsumerRecord<String, String>> recordsToEnd(Set<String> keys) {
            return withKeys(reader.recordsToEnd(), keys);
        }

        private static List<ConsumerRecord<String, String>> withKeys(
                List<ConsumerRecord<String, String>> records, Set<String> keys) {
            return records.stream().filter(r -> keys.contains(r.key())).toList();
        }

        /** The CloudEvents among {@link #records} (values that are not CloudEvents are left out). */
        public List<Seen> events(Set<String> keys) {
            return parse(records(keys));
        }

        private List<Seen> parse(List<ConsumerRecord<String, String>> records) {
            List<Seen> events = new ArrayList<>();
            for (ConsumerRecord<String, String> record : records) {
                JsonNode value;
                try {
                    value = mapper.readTree(record.value());
                } catch (RuntimeException notJson) {
                    continue;
                }
                if (value.isObject() && value.hasNonNull("type")) {
                    events.add(new Seen(record.key(), value.get("type").asString(), value.get("data"), record));
                }
            }
            return events;
        }

        @Override
        public void close() {
            reader.close();
        }
    }
}
