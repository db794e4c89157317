package till.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import till.infra.demo.LastItemRace;
import till.infra.demo.TillClient;
import till.infra.stack.TillService;
import till.infra.tools.Replay;
import till.platform.cloudevents.CloudEvent;
import till.testsupport.TopicReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The whole of Till as {@code ./run stack} runs it: a real KRaft broker and a real PostgreSQL, the three services
 * as separate JVMs from their executable jars, driven only through REST and Kafka.
 */
class TillStackIT extends StackTest {

    /** W3C, sampled: flags 01, or 03 where the trace id is also flagged random (Trace Context level 2). */
    private static final String SAMPLED_TRACEPARENT = "00-[0-9a-f]{32}-[0-9a-f]{16}-0[13]";

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void fiftyCashiersRacingForTheLastUnitSellItExactlyOnce() {
        LastItemRace.Result result =
                new LastItemRace(SharedStack.callers(), checkout, inventory, ledger).run(50, Duration.ofSeconds(90));

        System.out.println(result.table());
        assertThat(result.outcomes())
                .containsExactlyInAnyOrderEntriesOf(Map.of("CONFIRMED", 1, "REJECTED OUT_OF_STOCK", 49));
        assertThat(result.onHand()).isZero();
        assertThat(result.reserved()).isZero();
        assertThat(result.chargedMinor()).isEqualTo(result.priceMinor());
        assertThat(result.checks())
                .allSatisfy(check -> assertThat(check.held())
                        .as(check.what() + ": " + check.detail())
                        .isTrue());
    }

    @Test
    void aCustomerOverTheirCreditLimitIsRejectedAndTheStockIsReleased() {
        String product = product(5_000, 5);
        String customer = customer(4_999);

        JsonNode result = checkoutAndAwait(customer, List.of(Map.of("productId", product, "quantity", 1)));

        assertThat(result.get("status").asString()).isEqualTo("REJECTED");
        assertThat(result.get("reason").asString()).isEqualTo("CREDIT_LIMIT_EXCEEDED");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode stock = client.get(inventory + "/api/products/" + product).body();
            assertThat(stock.get("reserved").asLong()).isZero();
            assertThat(stock.get("onHand").asLong()).isEqualTo(5);
        });
        JsonNode account = client.get(ledger + "/api/customers/" + customer).body();
        assertThat(account.get("balanceMinor").asLong()).isZero();
        assertThat(account.get("entryCount").asLong()).isZero();
    }

    @Test
    void anUnknownProductRejectsTheCheckoutAndReleasesTheOtherLines() {
        String known = product(1_000, 3);
        String customer = customer(1_000_000);

        JsonNode result = checkoutAndAwait(
                customer,
                List.of(
                        Map.of("productId", known, "quantity", 2),
                        Map.of("productId", "no-such-product-" + UUID.randomUUID(), "quantity", 1)));

        assertThat(result.get("status").asString()).isEqualTo("REJECTED");
        assertThat(result.get("reason").asString()).isEqualTo("UNKNOWN_PRODUCT");
        // The known line was sold at its reservation (ADR 17); its release gives the units back.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode stock = client.get(inventory + "/api/products/" + known).body();
            assertThat(stock.get("onHand").asLong()).isEqualTo(3);
            assertThat(stock.get("reserved").asLong()).isZero();
        });
        assertThat(client.get(ledger + "/api/customers/" + customer)
                        .body()
                        .get("balanceMinor")
                        .asLong())
                .isZero();
    }

    @Test
    void anUnknownCustomerRejectsTheCheckoutAndReleasesTheStock() {
        String product = product(100, 4);

        JsonNode result =
                checkoutAndAwait("nobody-" + UUID.randomUUID(), List.of(Map.of("productId", product, "quantity", 3)));

        assertThat(result.get("status").asString()).isEqualTo("REJECTED");
        assertThat(result.get("reason").asString()).isEqualTo("UNKNOWN_CUSTOMER");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode stock = client.get(inventory + "/api/products/" + product).body();
            assertThat(stock.get("onHand").asLong()).isEqualTo(4);
            assertThat(stock.get("reserved").asLong()).isZero();
        });
    }

    @Test
    void outOfStockOnOneOfThreeLinesReleasesTheOtherTwo() {
        String plenty = product(100, 10);
        String scarce = product(200, 1);
        String more = product(300, 10);
        String customer = customer(1_000_000);

        JsonNode result = checkoutAndAwait(
                customer,
                List.of(
                        Map.of("productId", plenty, "quantity", 2),
                        Map.of("productId", scarce, "quantity", 2),
                        Map.of("productId", more, "quantity", 1)));

        assertThat(result.get("status").asString()).isEqualTo("REJECTED");
        assertThat(result.get("reason").asString()).isEqualTo("OUT_OF_STOCK");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (var p : Map.of(plenty, 10L, scarce, 1L, more, 10L).entrySet()) {
                JsonNode stock =
                        client.get(inventory + "/api/products/" + p.getKey()).body();
                assertThat(stock.get("onHand").asLong()).as(p.getKey()).isEqualTo(p.getValue());
                assertThat(stock.get("reserved").asLong()).as(p.getKey()).isZero();
            }
        });
        // Quoted (ADR 10), the sale was charged with its reservations and the charge is reversed after the
        // rejection: no entry, or a sale and its reversal, and nothing owed.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode account = client.get(ledger + "/api/customers/" + customer).body();
            assertThat(account.get("balanceMinor").asLong()).isZero();
            assertThat(account.get("entryCount").asLong()).isIn(0L, 2L);
        });
    }

    @Test
    void aConfirmedSaleTakesTheStockAndChargesTheTotalOnce() {
        String espresso = product(350, 10);
        String croissant = product(275, 10);
        String customer = customer(10_000);

        JsonNode result = checkoutAndAwait(
                customer,
                List.of(Map.of("productId", espresso, "quantity", 2), Map.of("productId", croissant, "quantity", 3)));

        assertThat(result.get("status").asString()).isEqualTo("CONFIRMED");
        assertThat(result.get("totalMinor").asLong()).isEqualTo(2 * 350 + 3 * 275);
        // The sale is confirmed once charged; the stock was sold at the reservation, before it (ADR 17).
        JsonNode stock = client.get(inventory + "/api/products/" + espresso).body();
        assertThat(stock.get("onHand").asLong()).isEqualTo(8);
        assertThat(stock.get("reserved").asLong()).isZero();
        JsonNode account = client.get(ledger + "/api/customers/" + customer).body();
        assertThat(account.get("balanceMinor").asLong()).isEqualTo(1_525);
        assertThat(account.get("entryCount").asLong()).isEqualTo(1);
    }

    @Test
    void theSameIdempotencyKeyAnswersTheSameCheckoutAndADifferentBodyIs422() {
        String product = product(100, 10);
        String customer = customer(10_000);
        String key = UUID.randomUUID().toString();
        var body = Map.of("customerId", customer, "lines", List.of(Map.of("productId", product, "quantity", 1)));

        TillClient.Response first = cashier.post(checkout + "/api/checkouts", body, Map.of("Idempotency-Key", key));
        TillClient.Response again = cashier.post(checkout + "/api/checkouts", body, Map.of("Idempotency-Key", key));
        TillClient.Response changed = cashier.post(
                checkout + "/api/checkouts",
                Map.of("customerId", customer, "lines", List.of(Map.of("productId", product, "quantity", 2))),
                Map.of("Idempotency-Key", key));

        assertThat(first.status()).isEqualTo(202);
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.body().get("checkoutId")).isEqualTo(first.body().get("checkoutId"));
        assertThat(again.raw().headers().firstValue("Location"))
                .isEqualTo(first.raw().headers().firstValue("Location"));
        assertThat(changed.status()).isEqualTo(422);
    }

    @Test
    void aMalformedCheckoutIs400ProblemJsonNamingTheField() {
        TillClient.Response badQuantity = cashier.post(
                checkout + "/api/checkouts",
                Map.of("customerId", "c", "lines", List.of(Map.of("productId", "p", "quantity", 0))),
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        TillClient.Response noKey = cashier.post(
                checkout + "/api/checkouts",
                Map.of("customerId", "c", "lines", List.of(Map.of("productId", "p", "quantity", 1))),
                Map.of());
        TillClient.Response notJson = cashier.post(
                checkout + "/api/checkouts",
                "{\"customerId\": \"c\", \"lines\": [{\"productId\": \"p\", \"quantity\": \"many\"}]}",
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));

        assertThat(badQuantity.status()).isEqualTo(400);
        assertThat(badQuantity.raw().headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(badQuantity.body().get("errors").get(0).get("field").asString())
                .isEqualTo("lines[0].quantity");
        assertThat(noKey.status()).isEqualTo(400);
        assertThat(noKey.body().get("errors").get(0).get("field").asString()).isEqualTo("Idempotency-Key");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.body().get("errors").get(0).get("field").asString()).isEqualTo("lines[0].quantity");
    }

    @Test
    void commandsOnKafkaAreCloudEventsKeyedByProductAndPoisonGoesToTheDeadLetterTopic() {
        String product = product(100, 10);
        String customer = customer(10_000);
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>("inventory.commands", product, "this is not JSON"));
            producer.flush();
        }

        // The poison sits on the product's partition ahead of this checkout's commands: the partition keeps flowing.
        JsonNode sale = checkoutAndAwait(customer, List.of(Map.of("productId", product, "quantity", 1)));
        assertThat(sale.get("status").asString()).isEqualTo("CONFIRMED");

        List<ConsumerRecord<String, String>> deadLetters = readAll("inventory.commands.DLT", product, 1);
        assertThat(deadLetters).hasSize(1);
        assertThat(header(deadLetters.getFirst(), "till-dlt-reason")).contains("not JSON");
        assertThat(header(deadLetters.getFirst(), "kafka_dlt-original-topic")).isEqualTo("inventory.commands");

        // The poison and the sale's reservation, which sold the unit (ADR 17): nothing more is sent for it.
        List<ConsumerRecord<String, String>> commands = readAll("inventory.commands", product, 2);
        List<ConsumerRecord<String, String>> events =
                commands.stream().filter(r -> r.value().startsWith("{")).toList();
        assertThat(events).hasSize(1);
        for (ConsumerRecord<String, String> record : events) {
            JsonNode event = json.readTree(record.value());
            assertThat(event.get("specversion").asString()).isEqualTo("1.0");
            assertThat(event.get("subject").asString()).isEqualTo(product);
            assertThat(event.get("data").get("productId").asString()).isEqualTo(product);
            assertThat(header(record, "traceparent")).matches(SAMPLED_TRACEPARENT);
        }
        assertThat(events)
                .extracting(r -> json.readTree(r.value()).get("type").asString())
                .containsExactly("till.inventory.ReserveStock");
    }

    @Test
    void aTillsTraceparentIsKeptOnEveryMessageOfItsCheckoutAndInTheLogsOfEveryService() {
        String product = product(700, 5);
        String customer = customer(100_000);
        byte[] random = new byte[16];
        ThreadLocalRandom.current().nextBytes(random);
        String traceId = HexFormat.of().formatHex(random);
        String tillSpan = "00f067aa0ba902b7";

        TillClient.Response started = cashier.post(
                checkout + "/api/checkouts",
                Map.of("customerId", customer, "lines", List.of(Map.of("productId", product, "quantity", 1))),
                Map.of(
                        "Idempotency-Key",
                        UUID.randomUUID().toString(),
                        "Prefer",
                        "wait=30",
                        "traceparent",
                        "00-" + traceId + "-" + tillSpan + "-01"));
        String checkoutId = started.body().get("checkoutId").asString();
        await().atMost(Duration.ofSeconds(45))
                .until(() -> cashier.get(checkout + "/api/checkouts/" + checkoutId)
                        .body()
                        .get("status")
                        .asString()
                        .equals("CONFIRMED"));

        // Every message one confirmed sale causes, in every service: commands, replies and facts.
        Map<String, Integer> causedOn = new LinkedHashMap<>();
        causedOn.put("inventory.commands", 1); // ReserveStock, which sells (ADR 17)
        causedOn.put("ledger.commands", 1); // PostCharge
        causedOn.put("checkout.replies", 2); // StockReserved, ChargePosted; a commit is not answered (ADR 16)
        causedOn.put("checkout.events", 1); // CheckoutConfirmed
        causedOn.put("inventory.events", 1); // StockLevelChanged: sold
        causedOn.put("ledger.events", 1); // EntryPosted
        causedOn.forEach((topic, count) -> {
            List<ConsumerRecord<String, String>> caused = TopicReader.read(
                    stack.kafkaClientConfig(),
                    topic,
                    r -> r.value().contains(checkoutId),
                    found -> found.size() >= count);
            assertThat(caused).as(topic).hasSizeGreaterThanOrEqualTo(count);
            assertThat(caused)
                    .allSatisfy(record -> assertThat(header(record, "traceparent"))
                            .as(topic + ": " + record.value())
                            .startsWith("00-" + traceId + "-")
                            .doesNotContain(tillSpan)
                            .matches(SAMPLED_TRACEPARENT));
        });

        // Each service exported its spans of the trace to the collector (OTEL_EXPORTER_OTLP_ENDPOINT, SharedStack).
        OtlpReceiver collector = SharedStack.otlp();
        for (TillService.Name service : TillService.Name.values()) {
            String serviceName = service.id() + "-service";
            await().atMost(Duration.ofSeconds(30))
                    .alias(serviceName + " exports a span of trace " + traceId)
                    .until(() -> collector.exported(serviceName, traceId));
        }

        // And each service logged the sale with its trace id: an operator greps one id across the three.
        for (TillService.Name service : TillService.Name.values()) {
            Path log = stack.options().workDir().resolve("logs").resolve(service.id() + "-service.log");
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(lines(log))
                            .as(log.toString())
                            .anySatisfy(
                                    line -> assertThat(line).contains(traceId).contains(checkoutId)));
        }
    }

    private static List<String> lines(Path log) throws IOException {
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.toList();
        }
    }

    @Test
    void aDeadLetteredCommandIsReplayedAfterTheFixAndAppliedOnce() {
        String product = product(100, 2);
        String adjustmentId = UUID.randomUUID().toString();
        CloudEvent shrink = CloudEvent.create(
                "till.inventory.AdjustStock",
                "/till/operator",
                product,
                json.valueToTree(
                        Map.of("adjustmentId", adjustmentId, "productId", product, "delta", -5, "reason", "count")));
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>("inventory.commands", product, json.writeValueAsString(shrink)));
        }
        assertThat(readAll("inventory.commands.DLT", product, 1)).hasSize(1);

        // The fix: the delivery the count was taken after is booked.
        TillClient.Response delivery = client.post(
                inventory + "/api/products/" + product + "/adjustments",
                Map.of("adjustmentId", UUID.randomUUID().toString(), "delta", 10, "reason", "delivery"),
                Map.of());
        assertThat(delivery.status()).isEqualTo(201);
        int replayed = Replay.replay(stack.kafkaClientConfig(), "inventory.commands.DLT", shrink.id(), false);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> stock(product).get("onHand").asLong() == 7);
        int replayedAgain = Replay.replay(stack.kafkaClientConfig(), "inventory.commands.DLT", shrink.id(), false);

        assertThat(replayed).isEqualTo(1);
        assertThat(replayedAgain).isEqualTo(1);
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(10))
                .until(() -> stock(product).get("onHand").asLong() == 7);
    }

    private KafkaProducer<String, String> producer() {
        Properties props = new Properties();
        props.putAll(stack.kafkaClientConfig());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return new KafkaProducer<>(props);
    }

    /** Records of {@code topic} with {@code key}, from the beginning, until {@code atLeast} arrived (or 30 s). */
    private List<ConsumerRecord<String, String>> readAll(String topic, String key, int atLeast) {
        return TopicReader.read(
                stack.kafkaClientConfig(), topic, r -> key.equals(r.key()), found -> found.size() >= atLeast);
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return TopicReader.header(record, name);
    }
}
