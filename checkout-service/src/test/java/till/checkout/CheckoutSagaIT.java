package till.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import till.checkout.refund.Refunds;
import till.checkout.saga.Checkouts;
import till.contracts.checkout.CheckoutConfirmed;
import till.contracts.checkout.CheckoutRejected;
import till.contracts.inventory.CommitStock;
import till.contracts.inventory.ReleaseStock;
import till.contracts.inventory.ReserveStock;
import till.contracts.inventory.StockCommitRefused;
import till.contracts.inventory.StockCommitted;
import till.contracts.inventory.StockRejected;
import till.contracts.inventory.StockRejectionReason;
import till.contracts.inventory.StockReleased;
import till.contracts.inventory.StockReserved;
import till.contracts.ledger.ChargePosted;
import till.contracts.ledger.ChargeRejected;
import till.contracts.ledger.ChargeRejectionReason;
import till.contracts.ledger.PostCharge;
import till.contracts.ledger.ReverseCharge;
import till.testsupport.StatementCounter;
import tools.jackson.databind.JsonNode;

/** The saga through Kafka and PostgreSQL, with the test answering for inventory and ledger. */
class CheckoutSagaIT extends CheckoutHarness {

    @Autowired
    MeterRegistry meters;

    @Autowired
    Checkouts checkouts;

    @Autowired
    Refunds refunds;

    @Test
    void aCheckoutReservesEveryLineChargesTheTotalCommitsAndConfirms() {
        Map<String, Integer> lines =
                new LinkedHashMap<>(Map.of("tea-" + UUID.randomUUID(), 2, "cake-" + UUID.randomUUID(), 1));
        String id = startCheckout("alice", lines);

        confirm(id, lines, 300);

        JsonNode confirmed = checkout(id);
        assertThat(confirmed.get("totalMinor").asLong()).isEqualTo(900);
        assertThat(sent(id, PostCharge.TYPE))
                .singleElement()
                .satisfies(c -> assertThat(c.get("subject").asString()).isEqualTo("alice"));
        awaitSent(id, CheckoutConfirmed.TYPE, 1);
        assertThat(sent(id, ReserveStock.TYPE))
                .extracting(e -> e.get("subject").asString())
                .containsExactlyInAnyOrderElementsOf(lines.keySet());
    }

    @Test
    void outOfStockOnOneOfThreeLinesRejectsAndReleasesTheOtherTwo() {
        String a = "a-" + UUID.randomUUID(), b = "b-" + UUID.randomUUID(), c = "c-" + UUID.randomUUID();
        String id = startCheckout("bob", new LinkedHashMap<>(Map.of(a, 1, b, 1, c, 1)));
        awaitSent(id, ReserveStock.TYPE, 3);
        reply(id, StockReserved.TYPE, new StockReserved(id, a, 1, 100L));
        reply(id, StockRejected.TYPE, new StockRejected(id, b, StockRejectionReason.OUT_OF_STOCK));

        JsonNode rejected = awaitStatus(id, "REJECTED");

        assertThat(rejected.get("reason").asString()).isEqualTo("OUT_OF_STOCK");
        assertThat(awaitSent(id, ReleaseStock.TYPE, 2))
                .extracting(e -> e.get("subject").asString())
                .containsExactlyInAnyOrder(a, c);
        // c's reservation arrives late: the release already sent gives it back; nothing is charged.
        reply(id, StockReserved.TYPE, new StockReserved(id, c, 1, 100L));
        reply(id, StockReleased.TYPE, new StockReleased(id, a, 1));
        awaitSent(id, CheckoutRejected.TYPE, 1);
        assertThat(sent(id, PostCharge.TYPE)).isEmpty();
        assertThat(checkout(id).get("status").asString()).isEqualTo("REJECTED");
    }

    @Test
    void aRejectedChargeReleasesEveryLine() {
        String a = "a-" + UUID.randomUUID();
        String id = startCheckout("carol", Map.of(a, 2));
        awaitSent(id, ReserveStock.TYPE, 1);
        reply(id, StockReserved.TYPE, new StockReserved(id, a, 2, 5_000L));
        awaitSent(id, PostCharge.TYPE, 1);

        reply(id, ChargeRejected.TYPE, new ChargeRejected(id, "carol", ChargeRejectionReason.CREDIT_LIMIT_EXCEEDED));

        assertThat(awaitStatus(id, "REJECTED").get("reason").asString()).isEqualTo("CREDIT_LIMIT_EXCEEDED");
        assertThat(awaitSent(id, ReleaseStock.TYPE, 1))
                .singleElement()
                .satisfies(r -> assertThat(r.get("subject").asString()).isEqualTo(a));
        assertThat(sent(id, ReverseCharge.TYPE)).isEmpty();
    }

    /**
     * ADR 17: a CONFIRMED checkout's lines are COMMITTED, sold at their reservations, and nothing is sent to commit
     * them. A checkout confirmed by a checkout-service from before it has its lines COMMIT_REQUESTED, which is sound;
     * a commit inventory refuses is a broken invariant that nothing in the saga undoes, reported at once (ADR 16).
     */
    @Test
    void aConfirmedCheckoutIsSoldAndAnOlderOnesRefusedCommitIsReported() {
        String a = "a-" + UUID.randomUUID();
        String b = "b-" + UUID.randomUUID();
        String id = startCheckout("erin", Map.of(a, 2, b, 1));
        confirm(id, Map.of(a, 2, b, 1), 300L);
        assertThat(lineStates(id)).containsOnly("COMMITTED");
        assertThat(invariants().toString()).doesNotContain(id);

        // As a checkout-service from before ADR 17 left it: its commits sent, and answered only when refused.
        jdbc.sql("UPDATE checkout_lines SET state = 'COMMIT_REQUESTED' WHERE checkout_id = ?")
                .param(UUID.fromString(id))
                .update();
        assertThat(invariants().toString()).doesNotContain(id);
        // An older inventory answered every commit; a StockCommitted still moves its line.
        reply(id, StockCommitted.TYPE, new StockCommitted(id, b, 1));
        reply(id, StockCommitRefused.TYPE, new StockCommitRefused(id, a, "RELEASED"));

        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(invariants().get("violations").toString())
                        .contains("checkout " + id
                                + " is CONFIRMED with charge POSTED, 1 lines committed or sent to commit, 1 not"));
        assertThat(lineStates(id)).containsExactlyInAnyOrder("COMMITTED", "COMMIT_REFUSED");
    }

    private List<String> lineStates(String checkoutId) {
        return jdbc.sql("SELECT state FROM checkout_lines WHERE checkout_id = ?")
                .param(UUID.fromString(checkoutId))
                .query(String.class)
                .list();
    }

    @Test
    void duplicateRepliesWithNewIdsAndRedeliveriesChargeOnceAndConfirmOnce() {
        String a = "a-" + UUID.randomUUID();
        String id = startCheckout("dave", Map.of(a, 1));
        awaitSent(id, ReserveStock.TYPE, 1);
        StockReserved reserved = new StockReserved(id, a, 1, 700L);
        String first = reply(id, StockReserved.TYPE, reserved);
        replyAgain(id, StockReserved.TYPE, reserved, first);
        reply(id, StockReserved.TYPE, reserved);
        awaitSent(id, PostCharge.TYPE, 1);
        ChargePosted posted = new ChargePosted(id, "dave", 700L, 700L);
        String charge = reply(id, ChargePosted.TYPE, posted);
        replyAgain(id, ChargePosted.TYPE, posted, charge);
        reply(id, ChargePosted.TYPE, posted);
        awaitStatus(id, "CONFIRMED");
        awaitSent(id, CheckoutConfirmed.TYPE, 1);

        // A late rejection after the confirmation changes nothing.
        reply(id, StockRejected.TYPE, new StockRejected(id, a, StockRejectionReason.OUT_OF_STOCK));
        String marker = reply(
                id, ChargeRejected.TYPE, new ChargeRejected(id, "dave", ChargeRejectionReason.CREDIT_LIMIT_EXCEEDED));
        await().atMost(PATIENCE)
                .until(() -> jdbc.sql("SELECT count(*) FROM inbox WHERE message_id = ?")
                                .param(marker)
                                .query(Long.class)
                                .single()
                        == 1);

        assertThat(sent(id, PostCharge.TYPE)).hasSize(1);
        assertThat(sent(id, CommitStock.TYPE))
                .as("sold at the reservation (ADR 17)")
                .isEmpty();
        assertThat(sent(id, CheckoutConfirmed.TYPE)).hasSize(1);
        assertThat(sent(id, ReleaseStock.TYPE)).isEmpty();
        assertThat(checkout(id).get("status").asString()).isEqualTo("CONFIRMED");
    }

    @Test
    void aReplyForAnUnknownCheckoutIsCountedNotDropped() {
        double before = meters.counter("till.checkout.replies.unapplicable").count();
        String unknown = UUID.randomUUID().toString();

        reply(unknown, StockReserved.TYPE, new StockReserved(unknown, "p", 1, 1L));

        await().atMost(PATIENCE)
                .until(() ->
                        meters.counter("till.checkout.replies.unapplicable").count() > before);
    }

    @Test
    void eightConcurrentPostsWithOneIdempotencyKeyMakeOneCheckout() throws Exception {
        String key = UUID.randomUUID().toString();
        Map<String, Object> body =
                Map.of("customerId", "erin", "lines", List.of(Map.of("productId", "p-" + key, "quantity", 1)));
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Response>> posts = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 8; i++) {
                posts.add(threads.submit(() -> {
                    go.await();
                    return post("/api/checkouts", body, key);
                }));
            }
            go.countDown();
            Set<String> ids = posts.stream()
                    .map(f -> {
                        try {
                            Response r = f.get();
                            assertThat(r.status()).as(r.body().toString()).isEqualTo(202);
                            return r.body().get("checkoutId").asString();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .collect(Collectors.toSet());

            assertThat(ids).hasSize(1);
            assertThat(jdbc.sql("SELECT count(*) FROM checkouts WHERE idempotency_key = ?")
                            .param(key)
                            .query(Long.class)
                            .single())
                    .isEqualTo(1);
            assertThat(awaitSent(ids.iterator().next(), ReserveStock.TYPE, 1)).hasSize(1);
            // The timeline records the command once too: the seven posts that found the key taken (each with a
            // checkout id of its own) recorded nothing, though they record in the statement that tried the insert.
            assertThat(jdbc.sql("""
                            SELECT checkout_id::text FROM checkout_messages
                            WHERE direction = 'SENT' AND type = ? AND data ->> 'productId' = ?
                            """)
                            .params(ReserveStock.TYPE, "p-" + key)
                            .query(String.class)
                            .list())
                    .containsExactlyElementsOf(ids);
        }
    }

    @Test
    void badRequestsAre400ProblemsNamingTheFieldAndCreateNothing() {
        long before =
                jdbc.sql("SELECT count(*) FROM checkouts").query(Long.class).single();
        List<Map<String, Object>> tooMany = IntStream.range(0, 101)
                .mapToObj(i -> Map.<String, Object>of("productId", "p" + i, "quantity", 1))
                .toList();

        Response empty =
                post("/api/checkouts", Map.of("customerId", "c", "lines", List.of()), "k1-" + UUID.randomUUID());
        Response blank = post(
                "/api/checkouts",
                Map.of("customerId", " ", "lines", List.of(Map.of("productId", "p", "quantity", 1))),
                "k2-" + UUID.randomUUID());
        Response zero = post(
                "/api/checkouts",
                Map.of("customerId", "c", "lines", List.of(Map.of("productId", "p", "quantity", 0))),
                "k3-" + UUID.randomUUID());
        Response blankProduct = post(
                "/api/checkouts",
                Map.of("customerId", "c", "lines", List.of(Map.of("productId", "", "quantity", 1))),
                "k4-" + UUID.randomUUID());
        Response duplicate = post(
                "/api/checkouts",
                Map.of(
                        "customerId",
                        "c",
                        "lines",
                        List.of(Map.of("productId", "p", "quantity", 1), Map.of("productId", "p", "quantity", 2))),
                "k5-" + UUID.randomUUID());
        Response hundredAndOne =
                post("/api/checkouts", Map.of("customerId", "c", "lines", tooMany), "k6-" + UUID.randomUUID());
        Response noKey = post(
                "/api/checkouts",
                Map.of("customerId", "c", "lines", List.of(Map.of("productId", "p", "quantity", 1))),
                null);

        assertThat(field(empty)).isEqualTo("lines");
        assertThat(field(blank)).isEqualTo("customerId");
        assertThat(field(zero)).isEqualTo("lines[0].quantity");
        assertThat(field(blankProduct)).isEqualTo("lines[0].productId");
        assertThat(field(duplicate)).isEqualTo("lines[1].productId");
        assertThat(field(hundredAndOne)).isEqualTo("lines");
        assertThat(field(noKey)).isEqualTo("Idempotency-Key");
        assertThat(jdbc.sql("SELECT count(*) FROM checkouts").query(Long.class).single())
                .isEqualTo(before);
    }

    private static String field(Response response) {
        assertThat(response.status()).as(response.body().toString()).isEqualTo(400);
        assertThat(response.raw().headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        return response.body().get("errors").get(0).get("field").asString();
    }

    @Test
    void loadingACheckoutWithItsLinesAndRefundsTakesTwoQueriesForFiftyLinesAsForTwo() {
        Map<String, Integer> fifty = new LinkedHashMap<>();
        IntStream.range(0, 50).forEach(i -> fifty.put("bulk-" + i + "-" + UUID.randomUUID(), 1));
        Map<String, Integer> two =
                new LinkedHashMap<>(Map.of("x-" + UUID.randomUUID(), 1, "y-" + UUID.randomUUID(), 1));
        String big = startCheckout("frank", fifty);
        String small = startCheckout("frank", two);
        confirm(big, fifty, 10);
        confirm(small, two, 10);
        refundOne(big, fifty.keySet().iterator().next());
        refundOne(small, two.keySet().iterator().next());

        long bigQueries = queriesToLoad(UUID.fromString(big));
        long smallQueries = queriesToLoad(UUID.fromString(small));

        // One query for the checkout with its lines, one for its refunds with theirs.
        assertThat(bigQueries).isEqualTo(smallQueries).isEqualTo(2);
    }

    private void refundOne(String checkoutId, String product) {
        Response refund = post(
                "/api/checkouts/" + checkoutId + "/refunds",
                Map.of("lines", List.of(Map.of("productId", product, "quantity", 1))),
                UUID.randomUUID().toString());
        assertThat(refund.status()).as(refund.body().toString()).isEqualTo(202);
    }

    private long queriesToLoad(UUID checkoutId) {
        return StatementCounter.count(() -> {
                    checkouts.find(checkoutId).orElseThrow();
                    return refunds.of(checkoutId);
                })
                .statements();
    }
}
