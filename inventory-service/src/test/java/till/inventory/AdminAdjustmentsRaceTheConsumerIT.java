package till.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import till.contracts.inventory.ReserveStock;
import till.contracts.inventory.StockReserved;
import till.platform.kafka.Topics;
import till.testsupport.TestInfrastructure;

/**
 * The admin API and the command consumer write the same product at the same time. NOWAIT conflicts really occur;
 * every writer retries and succeeds, or fails loudly, and the final stock is exact.
 */
class AdminAdjustmentsRaceTheConsumerIT extends InventoryHarness {

    private static final String CONFLICTS = "till.inventory.lock.conflicts";
    private static final String RETRIES = "till.inventory.lock.retries";
    private static final String EXHAUSTED = "till.inventory.lock.exhausted";

    @Test
    void restAdjustmentsAndKafkaReservationsConflictRetryAndEndExact() throws Exception {
        String productId = "contested-" + UUID.randomUUID();
        createProduct(productId, 100, 100);
        double conflictsBefore = counter(CONFLICTS);
        double retriesBefore = counter(RETRIES);
        double exhaustedBefore = counter(EXHAUSTED);
        List<Integer> statuses;
        List<String> checkouts = IntStream.range(0, 60)
                .mapToObj(i -> "checkout-" + i + "-" + UUID.randomUUID())
                .toList();

        ExecutorService admins = Executors.newFixedThreadPool(6);
        try (TopicTap replies = new TopicTap(Topics.CHECKOUT_REPLIES);
                Connection zombie = lockRow(productId)) {
            // Another writer holds the row when the race starts, so conflicts are certain, not just likely.
            List<CompletableFuture<Response>> adjustments = IntStream.range(0, 30)
                    .mapToObj(i -> CompletableFuture.supplyAsync(
                            () -> http("POST", "/api/products/" + productId + "/adjustments", delivery(productId, i)),
                            admins))
                    .toList();
            checkouts.parallelStream()
                    .forEach(checkoutId ->
                            send(command(ReserveStock.TYPE, productId, new ReserveStock(checkoutId, productId, 1))));
            await().atMost(PATIENCE).until(() -> counter(CONFLICTS) > conflictsBefore);
            zombie.commit();

            statuses = adjustments.stream()
                    .map(CompletableFuture::join)
                    .map(Response::status)
                    .toList();
            // Every writer either got through after retrying (201) or failed loudly (503, nothing changed); each
            // reservation sold one unit (ADR 17), so once all 60 are answered on hand says exactly how many got
            // through.
            assertThat(statuses).hasSize(30).isSubsetOf(201, 503);
            List<Seen> answers =
                    await().atMost(PATIENCE).until(() -> replies.events(Set.copyOf(checkouts)), a -> a.size() >= 60);
            assertThat(answers).hasSize(60).extracting(Seen::type).containsOnly(StockReserved.TYPE);
            assertThat(row(productId).onHand())
                    .as("on hand after the race: one unit per 201, less the 60 sold")
                    .isEqualTo(100 + statuses.stream().filter(s -> s == 201).count() - 60);
        } finally {
            admins.shutdownNow();
        }

        assertThat(counter(CONFLICTS)).isGreaterThan(conflictsBefore);
        assertThat(counter(RETRIES)).isGreaterThan(retriesBefore);
        long refused = statuses.stream().filter(status -> status == 503).count();
        // The consumer's give-ups count here too (their commands were applied on a later try).
        assertThat(counter(EXHAUSTED) - exhaustedBefore).isGreaterThanOrEqualTo(refused);
        // Each adjustment again with its id: a 503 changed nothing, so it applies now (201); a 201 applied it,
        // so it is answered as applied before (200) and changes nothing.
        for (int i = 0; i < 30; i++) {
            int again = adjustUntilNotLockedOut(productId, i);
            assertThat(again)
                    .as("adjustment %d, answered %d in the race", i, statuses.get(i))
                    .isEqualTo(statuses.get(i) == 201 ? 200 : 201);
        }
        Row row = row(productId);
        assertThat(row.onHand()).isEqualTo(130 - 60);
        assertThat(row.reserved()).isZero();
        assertThat(row.version())
                .as("created, then each of the 30 adjustments once and the 60 reservations")
                .isEqualTo(91);
        var report = invariants();
        assertThat(report.get("sound").asBoolean()).as(report.toString()).isTrue();
    }

    @Test
    void aWriterLockedOutForTheWholeBudgetGetsA503WithRetryAfterAndChangesNothing() throws Exception {
        String productId = "held-" + UUID.randomUUID();
        createProduct(productId, 100, 10);
        double exhaustedBefore = counter(EXHAUSTED);
        Map<String, Object> delivery =
                Map.of("adjustmentId", "late-delivery-" + productId, "delta", 5, "reason", "delivery");

        try (Connection zombie = lockRow(productId)) {
            Response refused = http("POST", "/api/products/" + productId + "/adjustments", delivery);
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
            zombie.rollback();
        }
        assertThat(counter(EXHAUSTED)).isGreaterThan(exhaustedBefore);
        assertThat(row(productId)).isEqualTo(new Row(10, 0, 1));

        Response retried = http("POST", "/api/products/" + productId + "/adjustments", delivery);
        assertThat(retried.status()).isEqualTo(201);
        assertThat(row(productId)).isEqualTo(new Row(15, 0, 2));
    }

    private static Map<String, Object> delivery(String productId, int i) {
        return Map.of("adjustmentId", "delivery-" + i + "-" + productId, "delta", 1, "reason", "delivery");
    }

    /** Sends adjustment {@code i} again until it is not locked out (bounded); returns the status. */
    private int adjustUntilNotLockedOut(String productId, int i) {
        int status = 503;
        for (int attempt = 0; attempt < 10 && status == 503; attempt++) {
            status = http("POST", "/api/products/" + productId + "/adjustments", delivery(productId, i))
                    .status();
        }
        return status;
    }

    /** A connection that holds the product row locked until it commits or rolls back, like a zombie writer. */
    private static Connection lockRow(String productId) throws Exception {
        Connection connection =
                DriverManager.getConnection(DATABASE, TestInfrastructure.username(), TestInfrastructure.password());
        connection.setAutoCommit(false);
        try (PreparedStatement lock =
                connection.prepareStatement("SELECT product_id FROM products WHERE product_id = ? FOR UPDATE")) {
            lock.setString(1, productId);
            lock.executeQuery().close();
        }
        return connection;
    }
}
