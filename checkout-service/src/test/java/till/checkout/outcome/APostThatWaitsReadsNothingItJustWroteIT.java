package till.checkout.outcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.async.DeferredResult;
import till.checkout.CheckoutHarness;
import till.checkout.idempotency.TillRequests.LineRequest;
import till.checkout.saga.CheckoutSaga;
import till.testsupport.StatementCounter;
import till.testsupport.StatementCounter.Counted;

/**
 * A POST with {@code Prefer: wait} registers for its checkout's decision before the checkout exists, so it reads
 * back nothing it has just written (ADR 5, round 7), and a decision committed at any moment after still wakes it.
 */
class APostThatWaitsReadsNothingItJustWroteIT extends CheckoutHarness {

    @Autowired
    CheckoutController controller;

    @Autowired
    CheckoutSaga saga;

    @Autowired
    DataSource dataSource;

    @Test
    void itRunsTheStatementsOfTheStartAloneAndTheDecisionStillWakesIt() throws Exception {
        String key = UUID.randomUUID().toString();
        var request = new CheckoutController.CheckoutRequest(
                "heidi", List.of(new LineRequest("lamp-" + UUID.randomUUID(), 1)));

        Counted<DeferredResult<ResponseEntity<CheckoutController.CheckoutView>>> posted =
                StatementCounter.count(() -> controller.startAndWait(key, List.of("wait=20"), request));
        Counted<CheckoutSaga.Started> startAlone = StatementCounter.count(() -> saga.start(
                UUID.randomUUID(),
                UUID.randomUUID().toString(),
                "heidi",
                List.of(new CheckoutSaga.Item("lamp-" + UUID.randomUUID(), 1))));

        assertThat(posted.statements()).isPositive().isEqualTo(startAlone.statements());
        // The quote, the checkout with its lines and its timeline, the outbox: a statement each (ADR 5, round 8; the
        // timeline had a statement of its own before round 14).
        assertThat(startAlone.statements()).isEqualTo(3);
        DeferredResult<ResponseEntity<CheckoutController.CheckoutView>> answer = posted.result();
        assertThat(answer.hasResult()).as("still PENDING: the POST waits").isFalse();

        String id = jdbc.sql("SELECT checkout_id::text FROM checkouts WHERE idempotency_key = ?")
                .param(key)
                .query(String.class)
                .single();
        // Decided by a commit this request did not make: only the registration made before the start can wake it.
        try (Connection elsewhere = dataSource.getConnection();
                PreparedStatement decide = elsewhere.prepareStatement(
                        "UPDATE checkouts SET status = 'REJECTED', reason = 'TIMED_OUT' WHERE checkout_id = ?::uuid")) {
            elsewhere.setAutoCommit(true);
            decide.setString(1, id);
            assertThat(decide.executeUpdate()).isEqualTo(1);
        }

        await().atMost(PATIENCE).until(answer::hasResult);
        @SuppressWarnings("unchecked")
        ResponseEntity<CheckoutController.CheckoutView> decided =
                (ResponseEntity<CheckoutController.CheckoutView>) answer.getResult();
        assertThat(decided).isNotNull();
        assertThat(decided.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(decided.getBody()).isNotNull();
        assertThat(decided.getBody().checkoutId()).hasToString(id);
        assertThat(decided.getBody().reason()).isEqualTo("TIMED_OUT");
        assertThat(decided.getHeaders().getLocation()).hasToString("/api/checkouts/" + id);
        assertThat(decided.getHeaders().getFirst(CheckoutController.PREFERENCE_APPLIED))
                .isEqualTo("wait=20");
    }
}
