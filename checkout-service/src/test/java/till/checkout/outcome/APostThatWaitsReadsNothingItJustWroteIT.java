package till.checkout.outcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import till.checkout.CheckoutHarness;
import till.checkout.idempotency.TillRequests.LineRequest;
import till.checkout.saga.CheckoutSaga;
import till.testsupport.StatementCounter;
import till.testsupport.StatementCounter.Counted;

/**
 * A POST with {@code Prefer: wait} registers for its checkout's decision before the checkout exists, so it reads
 * back nothing it has just written (ADR 5, round 7): its statements are the start's and one read of the decided
 * checkout. A decision committed at any moment after the start still wakes it.
 */
class APostThatWaitsReadsNothingItJustWroteIT extends CheckoutHarness {

    @Autowired
    CheckoutController controller;

    @Autowired
    CheckoutSaga saga;

    @Autowired
    DataSource dataSource;

    @Test
    void itRunsTheStartsStatementsAndOneReadOnceDecided() throws Exception {
        long startAlone = StatementCounter.count(() -> saga.start(
                        UUID.randomUUID(),
                        UUID.randomUUID().toString(),
                        "heidi",
                        List.of(new CheckoutSaga.Item("lamp-" + UUID.randomUUID(), 1))))
                .statements();
        String key = UUID.randomUUID().toString();
        var request = new CheckoutController.CheckoutRequest(
                "heidi", List.of(new LineRequest("lamp-" + UUID.randomUUID(), 1)));

        // The request waits on its own virtual thread, as it does under Tomcat (VirtualRequestThreads).
        CompletableFuture<Counted<ResponseEntity<CheckoutController.CheckoutView>>> posted =
                CompletableFuture.supplyAsync(
                        () -> StatementCounter.count(() -> controller.startAndWait(key, List.of("wait=20"), request)),
                        Thread.ofVirtual()::start);
        String id = await().atMost(PATIENCE)
                .until(
                        () -> jdbc.sql("SELECT checkout_id::text FROM checkouts WHERE idempotency_key = ?")
                                .param(key)
                                .query(String.class)
                                .optional(),
                        Optional::isPresent)
                .orElseThrow();
        assertThat(posted).as("still PENDING: the POST waits").isNotDone();
        // Decided by a commit this request did not make: only the registration made before the start can wake it.
        try (Connection elsewhere = dataSource.getConnection();
                PreparedStatement decide = elsewhere.prepareStatement(
                        "UPDATE checkouts SET status = 'REJECTED', reason = 'TIMED_OUT' WHERE checkout_id = ?::uuid")) {
            elsewhere.setAutoCommit(true);
            decide.setString(1, id);
            assertThat(decide.executeUpdate()).isEqualTo(1);
        }

        Counted<ResponseEntity<CheckoutController.CheckoutView>> answered =
                posted.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        // The start's statements, and one query for the checkout with its lines once decided (no refunds: REJECTED).
        assertThat(answered.statements()).isEqualTo(startAlone + 1);
        ResponseEntity<CheckoutController.CheckoutView> decided = answered.result();
        assertThat(decided.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(decided.getBody()).isNotNull();
        assertThat(decided.getBody().checkoutId()).hasToString(id);
        assertThat(decided.getBody().reason()).isEqualTo("TIMED_OUT");
        assertThat(decided.getHeaders().getLocation()).hasToString("/api/checkouts/" + id);
        assertThat(decided.getHeaders().getFirst(CheckoutController.PREFERENCE_APPLIED))
                .isEqualTo("wait=20");
    }
}
