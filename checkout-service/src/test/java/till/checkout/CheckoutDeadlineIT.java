package till.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import till.contracts.checkout.CheckoutRejected;
import till.contracts.inventory.CommitStock;
import till.contracts.inventory.ReleaseStock;
import till.contracts.inventory.ReserveStock;
import till.contracts.inventory.StockReserved;
import till.contracts.ledger.ChargePosted;
import till.contracts.ledger.PostCharge;
import till.contracts.ledger.ReverseCharge;
import till.platform.kafka.Topics;
import till.testsupport.TestInfrastructure;
import till.testsupport.TopicReader;

/** A checkout with no final answer by its deadline is compensated and REJECTED TIMED_OUT, never resurrected. */
@TestPropertySource(properties = {"till.checkout.deadline=2s", "till.checkout.sweep-interval=200ms"})
class CheckoutDeadlineIT extends CheckoutHarness {

    @Test
    void noAnswerFromInventoryTimesOutAndReleasesAndALateReservationIsGivenBack() {
        String product = "slow-" + UUID.randomUUID();
        String id = startCheckout("ivan", Map.of(product, 1));
        awaitSent(id, ReserveStock.TYPE, 1);

        assertThat(awaitStatus(id, "REJECTED").get("reason").asString()).isEqualTo("TIMED_OUT");
        awaitSent(id, ReleaseStock.TYPE, 1);

        String late = reply(id, StockReserved.TYPE, new StockReserved(id, product, 1, 100L));
        await().atMost(PATIENCE)
                .until(() -> jdbc.sql("SELECT count(*) FROM inbox WHERE message_id = ?")
                                .param(late)
                                .query(Long.class)
                                .single()
                        == 1);
        assertThat(sent(id, PostCharge.TYPE)).isEmpty();
        assertThat(checkout(id).get("status").asString()).isEqualTo("REJECTED");
    }

    @Test
    void aTimedOutCheckoutsCompensationsStayInTheTraceItWasStartedIn() {
        String traceId =
                "5e1f0000" + UUID.randomUUID().toString().replace("-", "").substring(8);
        String product = "slow-" + UUID.randomUUID();
        Response started = post(
                "/api/checkouts",
                Map.of("customerId", "kate", "lines", List.of(Map.of("productId", product, "quantity", 1))),
                UUID.randomUUID().toString(),
                Map.of("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01"));
        assertThat(started.status()).isEqualTo(202);
        String id = started.body().get("checkoutId").asString();
        awaitSent(id, ReserveStock.TYPE, 1);

        assertThat(awaitStatus(id, "REJECTED").get("reason").asString()).isEqualTo("TIMED_OUT");

        // The sweeper, a scheduled task with no trace of its own, sends the release and the rejection in the
        // checkout's trace: an operator following the sale by its trace id sees how it ended.
        for (String topic : List.of(Topics.INVENTORY_COMMANDS, Topics.CHECKOUT_EVENTS)) {
            List<ConsumerRecord<String, String>> caused = TopicReader.read(
                    TestInfrastructure.kafkaBootstrapServers(),
                    topic,
                    r -> r.value().contains(id)
                            && (r.value().contains(ReleaseStock.TYPE)
                                    || r.value().contains(CheckoutRejected.TYPE)),
                    found -> !found.isEmpty());
            assertThat(caused).as(topic).isNotEmpty();
            assertThat(caused)
                    .allSatisfy(r -> assertThat(TopicReader.header(r, "traceparent"))
                            .as(topic)
                            .startsWith("00-" + traceId + "-"));
        }
    }

    @Test
    void aChargeStillUnansweredAtTheDeadlineIsReversedAndALateChargeCommitsNothing() {
        String product = "slow-" + UUID.randomUUID();
        String id = startCheckout("judy", Map.of(product, 1));
        awaitSent(id, ReserveStock.TYPE, 1);
        reply(id, StockReserved.TYPE, new StockReserved(id, product, 1, 100L));
        awaitSent(id, PostCharge.TYPE, 1);

        assertThat(awaitStatus(id, "REJECTED").get("reason").asString()).isEqualTo("TIMED_OUT");
        awaitSent(id, ReverseCharge.TYPE, 1);
        awaitSent(id, ReleaseStock.TYPE, 1);

        String late = reply(id, ChargePosted.TYPE, new ChargePosted(id, "judy", 100L, 100L));
        await().atMost(PATIENCE)
                .until(() -> jdbc.sql("SELECT count(*) FROM inbox WHERE message_id = ?")
                                .param(late)
                                .query(Long.class)
                                .single()
                        == 1);
        assertThat(sent(id, CommitStock.TYPE)).isEmpty();
        assertThat(checkout(id).get("status").asString()).isEqualTo("REJECTED");
    }

    @Test
    void aQuotedCheckoutWhoseChargeIsPostedButWhoseStockIsUnansweredAtTheDeadlineIsReversedAndReleased() {
        String product = "slow-quoted-" + UUID.randomUUID();
        priced(product, 250);
        String id = startCheckout("kate", Map.of(product, 2));
        awaitSent(id, PostCharge.TYPE, 1);
        reply(id, ChargePosted.TYPE, new ChargePosted(id, "kate", 500L, 500L));

        // Charged, but not CONFIRMED without the reservation: the deadline compensates it (ADR 10).
        assertThat(awaitStatus(id, "REJECTED").get("reason").asString()).isEqualTo("TIMED_OUT");
        awaitSent(id, ReverseCharge.TYPE, 1);
        awaitSent(id, ReleaseStock.TYPE, 1);
        assertThat(sent(id, CommitStock.TYPE)).isEmpty();
        List<String> timeline = jdbc.sql(
                        "SELECT direction || ' ' || type FROM checkout_messages WHERE checkout_id = ? ORDER BY seq")
                .param(UUID.fromString(id))
                .query(String.class)
                .list();
        assertThat(timeline.indexOf("RECEIVED " + ChargePosted.TYPE))
                .as("the charge was posted before the deadline: %s", timeline)
                .isNotNegative()
                .isLessThan(timeline.indexOf("SENT " + CheckoutRejected.TYPE));
    }
}
