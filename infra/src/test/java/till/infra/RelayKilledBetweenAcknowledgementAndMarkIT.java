package till.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import till.infra.demo.TillClient;
import till.infra.stack.TillService;
import till.platform.kafka.Topics;
import till.testsupport.TopicReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * checkout-service's JVM is killed with {@code kill -9} after the broker acknowledged its messages and before its
 * relay wrote {@code sent_at}. The window is held open, not simulated: a trigger in checkout's database refuses the
 * relay's marks, so every message of the sale is on its topic and still unsent in the outbox when the JVM dies (the
 * relay keeps the acknowledged rows and tries again, as it would if PostgreSQL were briefly away). After the
 * restart the new relay publishes every one of them again, and inventory and ledger skip the copies: the sale's
 * stock moves once and its charge is posted once.
 */
class RelayKilledBetweenAcknowledgementAndMarkIT extends StackTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String REFUSE_MARKS = """
            CREATE FUNCTION test_refuse_outbox_marks() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'marks refused by RelayKilledBetweenAcknowledgementAndMarkIT';
            END
            $$;
            CREATE TRIGGER test_refuse_outbox_marks BEFORE UPDATE OF sent_at ON outbox
                FOR EACH STATEMENT EXECUTE FUNCTION test_refuse_outbox_marks();
            """;
    private static final String ALLOW_MARKS = """
            DROP TRIGGER IF EXISTS test_refuse_outbox_marks ON outbox;
            DROP FUNCTION IF EXISTS test_refuse_outbox_marks();
            """;

    @Test
    void everyMessageTheKilledRelayHadPublishedIsPublishedAgainAndAppliedOnce() throws Exception {
        String product = product(100, 5);
        String customer = customer(100_000);
        TillService checkoutService = stack.service(TillService.Name.CHECKOUT);
        String checkoutId;
        try (Connection checkoutDb =
                DriverManager.getConnection(stack.jdbcUrl(TillService.Name.CHECKOUT), "checkout", "checkout")) {
            execute(checkoutDb, REFUSE_MARKS);
            try {
                TillClient.Response started = cashier.post(
                        checkout + "/api/checkouts",
                        Map.of("customerId", customer, "lines", List.of(Map.of("productId", product, "quantity", 1))),
                        Map.of("Idempotency-Key", UUID.randomUUID().toString()));
                assertThat(started.status()).isEqualTo(202);
                checkoutId = started.body().get("checkoutId").asString();
                // The whole saga runs on published messages; none of checkout's is marked sent.
                JsonNode sale = till.awaitFinal(checkoutId, Duration.ofSeconds(60));
                assertThat(sale.get("status").asString()).isEqualTo("CONFIRMED");
                await().atMost(Duration.ofSeconds(30))
                        .until(() ->
                                copies(Topics.CHECKOUT_EVENTS, checkoutId, "till.checkout.CheckoutConfirmed") == 1);
                assertThat(unsentRowsOf(checkoutDb, checkoutId))
                        .as("ReserveStock, PostCharge and the CheckoutConfirmed fact: acknowledged, unmarked")
                        .isGreaterThanOrEqualTo(3);

                checkoutService.kill();
            } finally {
                execute(checkoutDb, ALLOW_MARKS);
            }
            // Generous: a JVM boots in minutes on a busy two-core machine.
            checkoutService.restart(Duration.ofMinutes(4));
            await().atMost(Duration.ofSeconds(60)).until(() -> unsentRowsOf(checkoutDb, checkoutId) == 0);
        }

        // Every row is marked now, so whatever the new relay published is on the topics: read them to their ends.
        assertThat(copies(Topics.INVENTORY_COMMANDS, checkoutId, "till.inventory.ReserveStock"))
                .as("published before the kill and again after the restart")
                .isEqualTo(2);
        assertThat(copies(Topics.LEDGER_COMMANDS, checkoutId, "till.ledger.PostCharge"))
                .isEqualTo(2);
        assertThat(copies(Topics.CHECKOUT_EVENTS, checkoutId, "till.checkout.CheckoutConfirmed"))
                .isEqualTo(2);
        assertThat(copies(Topics.INVENTORY_COMMANDS, checkoutId, "till.inventory.CommitStock"))
                .as("sold at the reservation (ADR 17)")
                .isZero();
        JsonNode timeline = cashier.get(checkout + "/api/checkouts/" + checkoutId + "/timeline")
                .body();
        assertThat(Till.count(timeline, "RECEIVED", "till.inventory.StockReserved"))
                .isEqualTo(1);
        assertThat(Till.count(timeline, "RECEIVED", "till.ledger.ChargePosted")).isEqualTo(1);
        assertThat(stock(product).get("onHand").asLong()).isEqualTo(4);
        assertThat(stock(product).get("reserved").asLong()).isZero();
        assertThat(balance(customer)).isEqualTo(100);
        JsonNode account = client.get(ledger + "/api/customers/" + customer).body();
        assertThat(account.get("entryCount").asLong()).as("one charge").isEqualTo(1);
        till.assertSound();
    }

    /** Copies of the checkout's message of this type on the topic, read from the beginning to its end. */
    private long copies(String topic, String checkoutId, String type) {
        List<ConsumerRecord<String, String>> records = TopicReader.readToEnd(
                stack.kafkaClientConfig(),
                topic,
                r -> r.value().contains(checkoutId) && r.value().contains("\"" + type + "\""));
        long distinctIds = records.stream()
                .map(r -> JSON.readTree(r.value()).get("id").asString())
                .distinct()
                .count();
        assertThat(distinctIds).as("copies of one message, one id").isLessThanOrEqualTo(1);
        return records.size();
    }

    private static long unsentRowsOf(Connection db, String checkoutId) throws SQLException {
        try (Statement s = db.createStatement();
                ResultSet rows =
                        s.executeQuery("SELECT count(*) FROM outbox WHERE sent_at IS NULL AND payload::text LIKE '%"
                                + checkoutId + "%'")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static void execute(Connection db, String sql) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute(sql);
        }
    }
}
