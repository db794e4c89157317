package till.checkout.reply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import till.checkout.CheckoutHarness;
import till.contracts.inventory.StockCommitRefused;
import till.contracts.inventory.StockCommitted;
import till.contracts.inventory.StockRejected;
import till.contracts.inventory.StockReleased;
import till.contracts.inventory.StockReserved;
import till.contracts.inventory.StockReturned;
import till.contracts.ledger.ChargePosted;
import till.contracts.ledger.ChargeRejected;
import till.contracts.ledger.ChargeReversed;
import till.contracts.ledger.RefundPosted;
import till.platform.kafka.Topics;
import till.testsupport.ContractExamples;
import till.testsupport.TestInfrastructure;
import till.testsupport.TopicReader;
import tools.jackson.databind.JsonNode;

/**
 * The consumer side of the contract: the contracts' example of every reply on {@code checkout.replies} goes through
 * the real listener for a checkout of the examples' product and customer, and is applied as the SPEC says. The
 * first two make the sale (reserved, which sells the line, ADR 17, and charged: CONFIRMED); the rest, an older
 * inventory's answers to commits among them, arrive late or unexpected, which the SPEC calls expected traffic: each
 * is recorded in the checkout's timeline and changes nothing. None is dead-lettered.
 */
class ConsumesEveryExampleIT extends CheckoutHarness {

    private static final List<String> CONSUMED = List.of(
            StockReserved.TYPE,
            ChargePosted.TYPE,
            StockCommitted.TYPE,
            StockRejected.TYPE,
            StockReleased.TYPE,
            StockCommitRefused.TYPE,
            ChargeRejected.TYPE,
            ChargeReversed.TYPE,
            StockReturned.TYPE,
            RefundPosted.TYPE);

    @Test
    void everyExampleReplyIsApplied() {
        JsonNode reserved = mapper.readTree(ContractExamples.of(StockReserved.TYPE));
        String exampleCheckout = reserved.get("subject").asString();
        String productId = reserved.get("data").get("productId").asString();
        String customerId = mapper.readTree(ContractExamples.of(ChargePosted.TYPE))
                .get("data")
                .get("customerId")
                .asString();
        String checkoutId = startCheckout(customerId, Map.of(productId, 2));

        for (String type : CONSUMED) {
            // The example's checkout id is this test's checkout; everything else is sent as published.
            String reply = ContractExamples.of(type).replace(exampleCheckout, checkoutId);
            kafka.send(Topics.CHECKOUT_REPLIES, checkoutId, reply).join();
        }
        await().atMost(PATIENCE).until(() -> received(checkoutId).size() == CONSUMED.size());
        assertThat(received(checkoutId)).containsExactlyElementsOf(CONSUMED);
        JsonNode checkout = checkout(checkoutId);
        assertThat(checkout.get("status").asString()).isEqualTo("CONFIRMED");
        assertThat(checkout.get("totalMinor").asLong()).isEqualTo(99_800);
        assertThat(TopicReader.readToEnd(
                        TestInfrastructure.kafkaBootstrapServers(),
                        Topics.deadLetter(Topics.CHECKOUT_REPLIES),
                        r -> checkoutId.equals(r.key())))
                .isEmpty();
    }

    private List<String> received(String checkoutId) {
        return jdbc.sql(
                        "SELECT type FROM checkout_messages WHERE checkout_id = ? AND direction = 'RECEIVED' ORDER BY seq")
                .param(UUID.fromString(checkoutId))
                .query(String.class)
                .list();
    }
}
