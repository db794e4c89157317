package till.inventory.product;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import till.contracts.inventory.ReserveStock;
import till.contracts.inventory.StockRejected;
import till.contracts.inventory.StockReserved;
import till.inventory.InventoryHarness;
import till.inventory.refund.Returns;
import till.inventory.reservation.ReservationLifecycle;
import till.platform.kafka.Topics;

/**
 * One product written at the same moment by the command consumer (Kafka reservations), by eight writers beside it
 * on the same write path (as a zombie consumer of the partition would be), and by two admins over REST. The
 * {@code FOR UPDATE NOWAIT} lock is what keeps each write whole: the product's on hand and version must come out
 * exactly as the sum of what every write said it did, which no CHECK constraint can guarantee.
 * Without the lock, updates are lost and this test fails (docs/testing.md).
 */
class WritersRacingForOneProductIT extends InventoryHarness {

    private static final String CONFLICTS = "till.inventory.lock.conflicts";
    private static final long INITIAL = 12;
    private static final int KAFKA_RESERVATIONS = 40;

    @Autowired
    ProductLocks locks;

    @Autowired
    ReservationLifecycle lifecycle;

    @Autowired
    Returns returns;

    @Autowired
    Adjustments adjustments;

    /** What one admin's adjustments did: applied ones and their sum. */
    private record AdminAccount(long applied, long adjusted, List<Integer> unexpected) {}

    @Test
    void theProductEndsExactlyAsTheSumOfEveryWriteThatCameByAnyPath() throws Exception {
        String productId = "raced-" + UUID.randomUUID();
        createProduct(productId, 100, INITIAL);
        double conflictsBefore = counter(CONFLICTS);
        List<String> checkouts = IntStream.range(0, KAFKA_RESERVATIONS)
                .mapToObj(i -> "kafka-" + i + "-" + productId)
                .toList();

        StockRace.Account writers;
        List<AdminAccount> admins = new ArrayList<>();
        List<Seen> answers;
        try (TopicTap replies = new TopicTap(Topics.CHECKOUT_REPLIES);
                ExecutorService others = Executors.newFixedThreadPool(3)) {
            Future<?> consumer = others.submit(() -> checkouts.forEach(checkoutId ->
                    send(command(ReserveStock.TYPE, productId, new ReserveStock(checkoutId, productId, 1)))));
            List<Future<AdminAccount>> rest = List.of(
                    others.submit(() -> adjustOverRest(productId, "a", 15)),
                    others.submit(() -> adjustOverRest(productId, "b", 15)));

            writers = new StockRace(locks, lifecycle, returns, adjustments, jdbc).run(productId, 8, 30);

            consumer.get(2, TimeUnit.MINUTES);
            for (Future<AdminAccount> admin : rest) {
                admins.add(admin.get(2, TimeUnit.MINUTES));
            }
            answers = await().atMost(PATIENCE)
                    .until(() -> replies.events(Set.copyOf(checkouts)), a -> a.size() >= KAFKA_RESERVATIONS);
        }

        assertThat(writers.failures()).as("writes that failed for no rule").isEmpty();
        assertThat(admins)
                .allSatisfy(admin -> assertThat(admin.unexpected())
                        .as("REST answers other than 201, 409 or 503")
                        .isEmpty());
        assertThat(answers).hasSize(KAFKA_RESERVATIONS);
        assertThat(answers).extracting(Seen::type).isSubsetOf(StockReserved.TYPE, StockRejected.TYPE);
        long kafkaReserved = answers.stream()
                .filter(a -> a.type().equals(StockReserved.TYPE))
                .count();
        long restApplied = admins.stream().mapToLong(AdminAccount::applied).sum();
        long restAdjusted = admins.stream().mapToLong(AdminAccount::adjusted).sum();

        Row row = row(productId);
        assertThat(row.onHand())
                .as(
                        "initial %d + adjustments %d (REST %d) + returns %d - sold %d - sold over Kafka %d",
                        INITIAL, writers.adjusted(), restAdjusted, writers.returned(), writers.sold(), kafkaReserved)
                .isEqualTo(writers.onHand(INITIAL) + restAdjusted - kafkaReserved);
        assertThat(row.reserved())
                .as("units held: a reservation sells at once (ADR 17)")
                .isZero();
        assertThat(row.version())
                .as("created at 1, then one version per write that changed something")
                .isEqualTo(1 + writers.writes() + restApplied + kafkaReserved);
        assertThat(countReservations(productId, "RESERVED")).isZero();
        assertThat(countReservations(productId, "COMMITTED")).isEqualTo(writers.sales() + kafkaReserved);
        assertThat(countReservations(productId, "RELEASED")).isEqualTo(writers.releases());
        assertThat(jdbc.sql("SELECT count(*) FROM returns WHERE product_id = ?")
                        .param(productId)
                        .query(Long.class)
                        .single())
                .isEqualTo(writers.returns());
        // Last: the state is checked first, so that a run without the lock shows what it broke.
        assertThat(counter(CONFLICTS))
                .as("NOWAIT conflicts: the writers really met on the row")
                .isGreaterThan(conflictsBefore);
        var report = invariants();
        assertThat(report.get("sound").asBoolean()).as(report.toString()).isTrue();
    }

    /**
     * An admin's deliveries (+2) and write-offs (-1) over REST: 201 applied, 409 refused below zero
     * (nothing changed), 503 locked out (nothing changed), which the admin sends again with the same id.
     */
    private AdminAccount adjustOverRest(String productId, String admin, int adjustmentsToMake) {
        long applied = 0;
        long adjusted = 0;
        List<Integer> unexpected = new ArrayList<>();
        for (int i = 0; i < adjustmentsToMake; i++) {
            long delta = i % 2 == 0 ? 2 : -1;
            Map<String, Object> adjustment = Map.of(
                    "adjustmentId", "admin-" + admin + "-" + i + "-" + productId, "delta", delta, "reason", "count");
            int status = 503;
            for (int attempt = 0; attempt < 20 && status == 503; attempt++) {
                status = http("POST", "/api/products/" + productId + "/adjustments", adjustment)
                        .status();
            }
            if (status == 201) {
                applied++;
                adjusted += delta;
            } else if (status != 409) {
                unexpected.add(status);
            }
        }
        return new AdminAccount(applied, adjusted, unexpected);
    }

    private long countReservations(String productId, String state) {
        return jdbc.sql("SELECT count(*) FROM reservations WHERE product_id = ? AND state = ?")
                .params(productId, state)
                .query(Long.class)
                .single();
    }
}
