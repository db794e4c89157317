package till.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import till.contracts.checkout.CheckoutConfirmed;
import till.contracts.checkout.CheckoutRefunded;
import till.contracts.checkout.CheckoutRejected;
import till.contracts.inventory.ProductPriceChanged;
import till.contracts.inventory.ReserveStock;
import till.contracts.inventory.StockLevelChanged;
import till.contracts.inventory.StockRejected;
import till.contracts.inventory.StockReserved;
import till.contracts.ledger.ChargePosted;
import till.contracts.ledger.ChargeRejected;
import till.contracts.ledger.EntryPosted;
import till.contracts.ledger.PostCharge;
import till.contracts.ledger.PostRefund;
import till.infra.demo.TillClient;
import till.infra.stack.Stack;
import till.platform.kafka.Topics;
import till.testsupport.MessageSchemas;
import till.testsupport.TopicReader;

/**
 * The producer side of the contract: every message the services publish, on the real stack, conforms to the JSON
 * Schema the contracts module publishes for its type. Sales that confirm, are rejected for stock and for credit,
 * and a refund, so that most types are seen; then every record on every topic (dead letters aside) is checked.
 */
class EveryMessageMatchesItsSchemaIT {

    @Test
    void everyPublishedMessageConformsToItsSchema() {
        Stack stack = SharedStack.get();
        Till till = Till.of(stack, SharedStack.callers());
        String product = till.product(250, 1);
        String rich = till.customer(100_000);
        String poor = till.customer(100);

        String confirmed = till.checkoutAndAwait(rich, List.of(Map.of("productId", product, "quantity", 1)))
                .get("checkoutId")
                .asString();
        assertThat(till.awaitFinal(confirmed, Duration.ofSeconds(45))
                        .get("status")
                        .asString())
                .isEqualTo("CONFIRMED");
        assertThat(till.checkoutAndAwait(rich, List.of(Map.of("productId", product, "quantity", 1)))
                        .get("reason")
                        .asString())
                .isEqualTo("OUT_OF_STOCK");
        String other = till.product(500, 5);
        assertThat(till.checkoutAndAwait(poor, List.of(Map.of("productId", other, "quantity", 1)))
                        .get("reason")
                        .asString())
                .isEqualTo("CREDIT_LIMIT_EXCEEDED");
        TillClient.Response refund = till.cashier()
                .post(
                        till.checkout() + "/api/checkouts/" + confirmed + "/refunds",
                        Map.of("lines", List.of(Map.of("productId", product, "quantity", 1))),
                        Map.of("Idempotency-Key", "refund-" + confirmed));
        assertThat(refund.status()).as(refund.body().toString()).isEqualTo(202);

        Set<String> wanted = Set.of(
                ReserveStock.TYPE,
                StockReserved.TYPE,
                StockRejected.TYPE,
                PostCharge.TYPE,
                ChargePosted.TYPE,
                ChargeRejected.TYPE,
                CheckoutConfirmed.TYPE,
                CheckoutRejected.TYPE,
                StockLevelChanged.TYPE,
                ProductPriceChanged.TYPE,
                EntryPosted.TYPE,
                PostRefund.TYPE,
                CheckoutRefunded.TYPE);
        Map<String, Integer> seen = new HashMap<>();
        List<String> violations = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        // The refund's messages follow its answer: read again until every wanted type has been seen.
        while (!seen.keySet().containsAll(wanted) && System.nanoTime() < deadline) {
            seen.clear();
            violations.clear();
            for (ConsumerRecord<String, String> record : everyRecord(stack.kafkaClientConfig())) {
                if (!publishedByTill(record.value())) {
                    // Other tests on this shared stack write commands (and poison) to the topics themselves.
                    continue;
                }
                List<String> wrong = MessageSchemas.violations(record.value());
                violations.addAll(wrong.stream()
                        .map(v -> record.topic() + "@" + record.offset() + " " + v)
                        .toList());
                seen.merge(typeOf(record.value()), 1, Integer::sum);
            }
        }
        assertThat(violations).isEmpty();
        assertThat(new TreeSet<>(seen.keySet())).containsAll(wanted);
    }

    /**
     * Sent by a service's outbox: its CloudEvent source is {@code /till/<service>}. The outbox's payload column is
     * PostgreSQL {@code json}, so whatever a service publishes is JSON; a record that is not was written by a test.
     */
    private static boolean publishedByTill(String value) {
        return value != null && value.matches("(?s)\\{.*\"source\":\"/till/(checkout|inventory|ledger)-service\".*");
    }

    private static String typeOf(String value) {
        int at = value.indexOf("\"type\":\"");
        return at < 0 ? "?" : value.substring(at + 8, value.indexOf('"', at + 8));
    }

    /** Every record of every topic but the dead-letter ones, from the beginning to the end offsets of now. */
    private static List<ConsumerRecord<String, String>> everyRecord(Map<String, Object> kafka) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        for (String topic : Topics.ALL) {
            if (!topic.endsWith(".DLT")) {
                records.addAll(TopicReader.readToEnd(kafka, topic, record -> true));
            }
        }
        return records;
    }
}
