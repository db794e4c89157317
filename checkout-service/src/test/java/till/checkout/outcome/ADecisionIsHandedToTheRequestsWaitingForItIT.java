package till.checkout.outcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.async.DeferredResult;
import till.checkout.CheckoutHarness;
import till.checkout.idempotency.TillRequests.LineRequest;
import till.contracts.inventory.StockReserved;
import till.contracts.ledger.ChargePosted;
import till.contracts.ledger.PostCharge;

/**
 * A checkout this instance decides is handed, as its decision left it, to the requests waiting for it (a POST and a
 * GET with {@code Prefer: wait}): they answer without reading it back (ADR 5, round 10). What they answer is what a
 * read of the checkout answers.
 */
class ADecisionIsHandedToTheRequestsWaitingForItIT extends CheckoutHarness {

    private static final String HANDED_OVER = "till.checkout.outcome.handed.over";

    @Autowired
    CheckoutController controller;

    @Autowired
    MeterRegistry meters;

    @Test
    void aPostAndAGetWaitingForOneCheckoutAreAnsweredWithItsConfirmation() {
        String product = "kettle-" + UUID.randomUUID();
        priced(product, 1_500);
        String key = UUID.randomUUID().toString();
        var request = new CheckoutController.CheckoutRequest("carol", List.of(new LineRequest(product, 2)));

        DeferredResult<ResponseEntity<CheckoutController.CheckoutView>> posted =
                controller.startAndWait(key, List.of("wait=20"), request);
        String id = jdbc.sql("SELECT checkout_id::text FROM checkouts WHERE idempotency_key = ?")
                .param(key)
                .query(String.class)
                .single();
        DeferredResult<ResponseEntity<CheckoutController.CheckoutView>> got =
                controller.getWhenDecided(UUID.fromString(id), List.of("wait=20"));
        assertThat(posted.hasResult()).as("PENDING: the POST waits").isFalse();
        assertThat(got.hasResult()).as("PENDING: the GET waits").isFalse();
        double handedBefore = meters.counter(HANDED_OVER).count();

        awaitSent(id, PostCharge.TYPE, 1);
        reply(id, StockReserved.TYPE, new StockReserved(id, product, 2, 1_500L));
        reply(id, ChargePosted.TYPE, new ChargePosted(id, "carol", 3_000L, 0L));
        await().atMost(PATIENCE).until(() -> posted.hasResult() && got.hasResult());

        assertThat(meters.counter(HANDED_OVER).count() - handedBefore)
                .as("both waiters answered with the checkout as it was decided, unread")
                .isEqualTo(2);
        ResponseEntity<CheckoutController.CheckoutView> read = controller.get(UUID.fromString(id));
        for (DeferredResult<ResponseEntity<CheckoutController.CheckoutView>> waited : List.of(posted, got)) {
            @SuppressWarnings("unchecked")
            ResponseEntity<CheckoutController.CheckoutView> answer =
                    (ResponseEntity<CheckoutController.CheckoutView>) waited.getResult();
            assertThat(answer).isNotNull();
            assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.OK);
            assertThat(answer.getBody()).isNotNull();
            assertThat(answer.getBody().status()).isEqualTo("CONFIRMED");
            assertThat(answer.getBody().totalMinor()).isEqualTo(3_000L);
            // The lines' states may have moved since (the commits), but nothing the view shows.
            assertThat(answer.getBody()).isEqualTo(read.getBody());
            assertThat(answer.getHeaders().getFirst(CheckoutController.PREFERENCE_APPLIED))
                    .isEqualTo("wait=20");
        }
        assertThat(posted.getResult())
                .isInstanceOfSatisfying(
                        ResponseEntity.class,
                        answer -> assertThat(answer.getHeaders().getLocation()).hasToString("/api/checkouts/" + id));
    }
}
