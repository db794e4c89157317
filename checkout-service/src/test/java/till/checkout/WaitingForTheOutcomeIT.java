package till.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import till.checkout.outcome.CheckoutOutcomes;
import till.contracts.inventory.ReserveStock;
import till.contracts.inventory.StockRejected;
import till.contracts.inventory.StockRejectionReason;
import till.testsupport.TestCredentials;
import tools.jackson.databind.JsonNode;

/**
 * {@code Prefer: wait=N} (RFC 7240): a till gets the sale's outcome in the answer, woken by the checkout's own
 * decision through PostgreSQL's LISTEN/NOTIFY, and holds no thread or connection while it waits.
 */
// A deadline far beyond every wait here, so that a checkout left pending is still PENDING when its waits run out.
@TestPropertySource(properties = "till.checkout.deadline=2m")
class WaitingForTheOutcomeIT extends CheckoutHarness {

    @Autowired
    MeterRegistry meters;

    @Autowired
    DataSource dataSource;

    private static Map<String, String> prefer(int seconds) {
        return Map.of("Prefer", "wait=" + seconds);
    }

    private static Map<String, Object> sale(String customerId, String productId) {
        return Map.of("customerId", customerId, "lines", List.of(Map.of("productId", productId, "quantity", 1)));
    }

    private record Timed(Response response, Duration took) {}

    private static CompletableFuture<Timed> inBackground(Supplier<Response> request) {
        return CompletableFuture.supplyAsync(
                () -> {
                    long start = System.nanoTime();
                    Response response = request.get();
                    return new Timed(response, Duration.ofNanos(System.nanoTime() - start));
                },
                Thread.ofVirtual()::start);
    }

    private static Timed answerOf(CompletableFuture<Timed> request) {
        return request.orTimeout(PATIENCE.toSeconds() + 30, TimeUnit.SECONDS).join();
    }

    private double waiting() {
        return meters.get("till.checkout.outcome.waiting").gauge().value();
    }

    private String checkoutIdOf(String idempotencyKey) {
        return await().atMost(PATIENCE)
                .until(
                        () -> jdbc.sql("SELECT checkout_id::text FROM checkouts WHERE idempotency_key = ?")
                                .param(idempotencyKey)
                                .query(String.class)
                                .optional(),
                        java.util.Optional::isPresent)
                .orElseThrow();
    }

    private void rejectOutOfStock(String checkoutId, String productId) {
        awaitSent(checkoutId, ReserveStock.TYPE, 1);
        reply(
                checkoutId,
                StockRejected.TYPE,
                new StockRejected(checkoutId, productId, StockRejectionReason.OUT_OF_STOCK));
    }

    private static String header(Response response, String name) {
        return response.raw().headers().firstValue(name).orElse("(none)");
    }

    @Test
    void aPostThatPrefersToWaitAnswersTheConfirmationOnceTheRepliesArrive() {
        String product = "kettle-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        CompletableFuture<Timed> posted =
                inBackground(() -> post("/api/checkouts", sale("alice", product), key, prefer(20)));

        // The replies are driven while the POST is held open.
        String id = checkoutIdOf(key);
        confirm(id, Map.of(product, 1), 1_200);

        Timed answer = answerOf(posted);
        Response response = answer.response();
        assertThat(response.status()).as(response.body().toString()).isEqualTo(200);
        assertThat(response.body().get("checkoutId").asString()).isEqualTo(id);
        assertThat(response.body().get("status").asString()).isEqualTo("CONFIRMED");
        assertThat(response.body().get("totalMinor").asLong()).isEqualTo(1_200);
        assertThat(header(response, "Preference-Applied")).isEqualTo("wait=20");
        assertThat(header(response, "Location")).isEqualTo("/api/checkouts/" + id);
        assertThat(answer.took()).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void aWaitThatRunsOutAnswers202StillPending() {
        String product = "slow-" + UUID.randomUUID();
        long start = System.nanoTime();

        Response posted =
                post("/api/checkouts", sale("bob", product), UUID.randomUUID().toString(), prefer(1));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(posted.status()).as(posted.body().toString()).isEqualTo(202);
        assertThat(posted.body().get("status").asString()).isEqualTo("PENDING");
        assertThat(header(posted, "Preference-Applied")).isEqualTo("wait=1");
        String id = posted.body().get("checkoutId").asString();
        assertThat(header(posted, "Location")).isEqualTo("/api/checkouts/" + id);

        long again = System.nanoTime();
        Response read = get("/api/checkouts/" + id, prefer(1));

        assertThat(Duration.ofNanos(System.nanoTime() - again)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(read.status()).isEqualTo(202);
        assertThat(read.body().get("status").asString()).isEqualTo("PENDING");
        assertThat(get("/api/checkouts/" + id).status()).isEqualTo(200);
    }

    @Test
    void aGetThatPrefersToWaitAnswersOnceTheCheckoutIsRejected() {
        String product = "gone-" + UUID.randomUUID();
        String id = startCheckout("carol", Map.of(product, 1));
        double before = waiting();
        CompletableFuture<Timed> read = inBackground(() -> get("/api/checkouts/" + id, prefer(20)));
        await().atMost(PATIENCE).until(() -> waiting() > before);

        rejectOutOfStock(id, product);

        Timed answer = answerOf(read);
        assertThat(answer.response().status()).isEqualTo(200);
        assertThat(answer.response().body().get("status").asString()).isEqualTo("REJECTED");
        assertThat(answer.response().body().get("reason").asString()).isEqualTo("OUT_OF_STOCK");
        assertThat(header(answer.response(), "Preference-Applied")).isEqualTo("wait=20");
        assertThat(header(answer.response(), "Vary")).isEqualTo("Prefer");
        assertThat(answer.took()).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void theSameIdempotencyKeyRetriedWithPreferWaitsOnTheSameCheckout() {
        String product = "mug-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        Response first = post("/api/checkouts", sale("dave", product), key);
        assertThat(first.status()).isEqualTo(202);
        String id = first.body().get("checkoutId").asString();
        double before = waiting();
        CompletableFuture<Timed> retried =
                inBackground(() -> post("/api/checkouts", sale("dave", product), key, prefer(20)));
        await().atMost(PATIENCE).until(() -> waiting() > before);

        rejectOutOfStock(id, product);

        Response answer = answerOf(retried).response();
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().get("checkoutId").asString()).isEqualTo(id);
        assertThat(answer.body().get("status").asString()).isEqualTo("REJECTED");
        // Decided already: the next retry answers at once, and a wait above 30 s is capped, not refused.
        long start = System.nanoTime();
        Response decided = post("/api/checkouts", sale("dave", product), key, prefer(300));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(decided.status()).isEqualTo(200);
        assertThat(decided.body().get("checkoutId").asString()).isEqualTo(id);
        assertThat(header(decided, "Preference-Applied")).isEqualTo("wait=30");
        assertThat(jdbc.sql("SELECT count(*) FROM checkouts WHERE idempotency_key = ?")
                        .param(key)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    /** Decides the checkout as any instance's transaction would, by the row's status alone. */
    private static void timeOutInTheDatabase(Connection connection, String checkoutId) throws Exception {
        try (PreparedStatement decide = connection.prepareStatement(
                "UPDATE checkouts SET status = 'REJECTED', reason = 'TIMED_OUT' WHERE checkout_id = ?::uuid")) {
            decide.setString(1, checkoutId);
            assertThat(decide.executeUpdate()).isEqualTo(1);
        }
    }

    /** The waiter is woken by the database's NOTIFY on commit, not by this instance's saga code. */
    @Test
    void aDecisionCommittedElsewhereWakesTheWaitingRequest() throws Exception {
        String id = startCheckout("grace", Map.of("vase-" + UUID.randomUUID(), 1));
        double before = waiting();
        CompletableFuture<Timed> read = inBackground(() -> get("/api/checkouts/" + id, prefer(25)));
        await().atMost(PATIENCE).until(() -> waiting() > before);

        try (Connection elsewhere = dataSource.getConnection()) {
            elsewhere.setAutoCommit(true);
            timeOutInTheDatabase(elsewhere, id);
        }

        Timed answer = answerOf(read);
        assertThat(answer.response().status()).isEqualTo(200);
        assertThat(answer.response().body().get("reason").asString()).isEqualTo("TIMED_OUT");
        assertThat(answer.took()).isLessThan(Duration.ofSeconds(15));
    }

    /**
     * The LISTEN connection is killed, and the checkout decided (by a commit this instance did not make) before it
     * is back: the decision was never notified here, and is found when the listener reconnects.
     */
    @Test
    void aDecisionMissedWhileTheListenerWasDisconnectedIsFoundWhenItReconnects() throws Exception {
        String id = startCheckout("erin", Map.of("lamp-" + UUID.randomUUID(), 1));
        double foundBefore =
                meters.get("till.checkout.outcome.found.on.reconnect").counter().count();
        double before = waiting();
        CompletableFuture<Timed> read = inBackground(() -> get("/api/checkouts/" + id, prefer(25)));
        await().atMost(PATIENCE).until(() -> waiting() > before);
        await().atMost(PATIENCE)
                .until(() ->
                        meters.get("till.checkout.outcome.listening").gauge().value() == 1);

        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            // Waits (up to 5 s) until every listening session of this database has exited, then decides the
            // checkout in the same transaction: its NOTIFY reaches nobody, and the listeners reconnect after 1 s.
            try (PreparedStatement kill = connection.prepareStatement("""
                            SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) AS killed
                            FROM pg_stat_activity
                            WHERE application_name = ? AND datname = current_database()
                            """)) {
                kill.setString(1, CheckoutOutcomes.APPLICATION_NAME);
                try (ResultSet killed = kill.executeQuery()) {
                    killed.next();
                    assertThat(killed.getLong("killed")).isPositive();
                }
            }
            timeOutInTheDatabase(connection, id);
            connection.commit();
        }

        Timed answer = answerOf(read);
        assertThat(answer.response().status()).isEqualTo(200);
        assertThat(answer.response().body().get("reason").asString()).isEqualTo("TIMED_OUT");
        // Well before its 25 s ran out: the reconnect found it, not the time limit.
        assertThat(answer.took()).isLessThan(Duration.ofSeconds(15));
        assertThat(meters.get("till.checkout.outcome.found.on.reconnect")
                        .counter()
                        .count())
                .isGreaterThan(foundBefore);
    }

    /**
     * 500 requests wait at once, more than Tomcat's 200 threads and far more than the pool's 16 connections; a plain
     * GET is served meanwhile; half are woken by their checkouts' rejections, the other half time out with 202.
     */
    @Test
    void fiveHundredWaitingRequestsHoldNeitherThreadsNorConnections() throws Exception {
        int checkouts = 50;
        int requests = 500;
        int waitSeconds = 20;
        List<String> products = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < checkouts; i++) {
            products.add("crowd-" + i + "-" + UUID.randomUUID());
            ids.add(startCheckout("frank", Map.of(products.get(i), 1)));
        }
        var pool = dataSource.unwrap(HikariDataSource.class).getHikariPoolMXBean();
        double before = waiting();
        List<Future<Timed>> answers = new ArrayList<>();
        try (HttpClient tills = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .build();
                ExecutorService tillThreads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < requests; i++) {
                URI uri = URI.create("http://127.0.0.1:" + port + "/api/checkouts/" + ids.get(i % checkouts));
                answers.add(tillThreads.submit(() -> {
                    long start = System.nanoTime();
                    HttpResponse<String> response = tills.send(
                            TestCredentials.cashier()
                                    .sign(HttpRequest.newBuilder(uri))
                                    .header("Prefer", "wait=" + waitSeconds)
                                    .timeout(Duration.ofSeconds(waitSeconds + 40))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    return new Timed(
                            new Response(response.statusCode(), mapper.readTree(response.body()), response),
                            Duration.ofNanos(System.nanoTime() - start));
                }));
            }

            // Most of the wait, for 500 requests to arrive on a busy two-core machine.
            await().atMost(Duration.ofSeconds(waitSeconds - 5)).until(() -> waiting() - before >= requests);
            // LISTENs and the relay's lease hold a few connections; 500 waiting requests hold none.
            await().during(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(3))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> pool.getActiveConnections() <= 8);
            long plainStart = System.nanoTime();
            Response plain = get("/api/checkouts/" + ids.getFirst());
            Duration plainTook = Duration.ofNanos(System.nanoTime() - plainStart);

            assertThat(plain.status()).isEqualTo(200);
            assertThat(plainTook).isLessThan(Duration.ofSeconds(3));

            IntStream.range(0, checkouts / 2).forEach(i -> rejectOutOfStock(ids.get(i), products.get(i)));

            int rejected = 0;
            int stillPending = 0;
            for (int i = 0; i < requests; i++) {
                Timed answer = answers.get(i).get(waitSeconds + 60, TimeUnit.SECONDS);
                JsonNode body = answer.response().body();
                if (i % checkouts < checkouts / 2) {
                    assertThat(answer.response().status()).as(body.toString()).isEqualTo(200);
                    assertThat(body.get("reason").asString()).isEqualTo("OUT_OF_STOCK");
                    rejected++;
                } else {
                    assertThat(answer.response().status()).as(body.toString()).isEqualTo(202);
                    assertThat(body.get("status").asString()).isEqualTo("PENDING");
                    assertThat(answer.took()).isGreaterThanOrEqualTo(Duration.ofSeconds(waitSeconds - 1));
                    stillPending++;
                }
            }
            assertThat(rejected).isEqualTo(requests / 2);
            assertThat(stillPending).isEqualTo(requests / 2);
        }
        await().atMost(PATIENCE).until(() -> waiting() <= before);
    }
}
