package till.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import till.bench.BenchReport;
import till.bench.Charts;
import till.bench.Table;
import till.contracts.inventory.ReserveStock;
import till.inventory.product.Product;
import till.inventory.product.Stock;
import till.inventory.reservation.ReservationLifecycle;
import till.platform.cloudevents.CloudEvent;
import till.platform.inbox.Inbox;
import till.platform.kafka.Topics;

/**
 * Reservations per second for one hot product and for 10,000 cold ones: Till (commands keyed by product, a
 * poll's commands for one product applied in one transaction under one NOWAIT lock) against the seed's first fix
 * (each request in its own transaction, waiting on {@code SELECT ... FOR UPDATE}), on the same database, with the
 * same reservation code, inbox and outbox writes. Till's numbers include the trip through Kafka; the baseline's
 * do not. Prints a table and keeps it, its figures and a chart in {@code target/bench/} ({@code ./run bench
 * inventory}), or run it with:
 *
 * <pre>./mvnw -B verify -pl inventory-service -Dtill.bench=true -Dit.test=HotProductBenchmarkIT</pre>
 */
@EnabledIfSystemProperty(named = "till.bench", matches = "true")
class HotProductBenchmarkIT extends InventoryHarness {

    private static final int RESERVATIONS = Integer.getInteger("till.bench.reservations", 4_000);
    private static final int COLD_PRODUCTS = 10_000;
    private static final int BASELINE_CALLERS = 12;
    private static final String TILL = "Till (batched, NOWAIT)";
    private static final String BASELINE = "baseline (waiting lock)";

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    ReservationLifecycle reservations;

    @Autowired
    Inbox inbox;

    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void hotAndColdProductsTillAgainstTheWaitingLock() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String tillHot = "bench-hot-till-" + run;
        String baselineHot = "bench-hot-baseline-" + run;
        seed(tillHot, baselineHot, run);

        double tillHotRate = tillRate(i -> tillHot, "till-hot-" + run);
        double baselineHotRate = baselineRate(i -> baselineHot, "baseline-hot-" + run);
        double tillColdRate = tillRate(i -> cold(run, i), "till-cold-" + run);
        double baselineColdRate = baselineRate(i -> cold(run, i + RESERVATIONS), "baseline-cold-" + run);

        String hot = "hot (1 product)";
        String cold = "cold (%,d products)".formatted(COLD_PRODUCTS);
        Table table = Table.of(
                        Table.Column.text("product"),
                        Table.Column.figure("Till (batched, NOWAIT) /s"),
                        Table.Column.figure("baseline (waiting lock) /s"),
                        Table.Column.figure("Till / baseline"))
                .row(hot, rate(tillHotRate), rate(baselineHotRate), "%.1fx".formatted(tillHotRate / baselineHotRate))
                .row(
                        cold,
                        rate(tillColdRate),
                        rate(baselineColdRate),
                        "%.1fx".formatted(tillColdRate / baselineColdRate));
        BenchReport report = BenchReport.named(
                        "inventory",
                        "Inventory reservations per second (%,d reservations each; baseline: %d callers waiting on FOR UPDATE)"
                                .formatted(RESERVATIONS, BASELINE_CALLERS))
                .table(table)
                .note("Till used %,d transactions for the hot product's %,d reservations, %,d for the cold ones"
                        .formatted(transactionsOf("till-hot-" + run), RESERVATIONS, transactionsOf("till-cold-" + run)))
                .measured(hot, TILL, "reservations", "reservations/s", tillHotRate)
                .measured(hot, BASELINE, "reservations", "reservations/s", baselineHotRate)
                .measured(cold, TILL, "reservations", "reservations/s", tillColdRate)
                .measured(cold, BASELINE, "reservations", "reservations/s", baselineColdRate)
                .chart(Charts.bars("Inventory reservations per second", m -> true));
        assertThat(report.write().text()).exists();

        // Every reservation sold its unit (ADR 17), once.
        assertThat(row(tillHot).onHand()).isEqualTo(1_000_000 - RESERVATIONS);
        assertThat(row(baselineHot).onHand()).isEqualTo(1_000_000 - RESERVATIONS);
        var invariants = invariants();
        assertThat(invariants.get("sound").asBoolean())
                .as(invariants.toString())
                .isTrue();
    }

    private void seed(String tillHot, String baselineHot, String run) {
        for (String hot : List.of(tillHot, baselineHot)) {
            createProduct(hot, 100, 1_000_000);
        }
        jdbc.sql("""
                        INSERT INTO products (product_id, name, price_minor, on_hand, reserved, version)
                        SELECT 'bench-cold-' || :run || '-' || n, 'Cold ' || n, 100, 1000, 0, 1
                        FROM generate_series(0, :last) AS n
                        """).param("run", run).param("last", COLD_PRODUCTS - 1).update();
        jdbc.sql("""
                        INSERT INTO adjustments (adjustment_id, product_id, delta, reason)
                        SELECT 'seed-' || product_id, product_id, on_hand, 'initial stock'
                        FROM products WHERE product_id LIKE 'bench-cold-' || :run || '-%'
                        """).param("run", run).update();
    }

    private static String cold(String run, int i) {
        return "bench-cold-" + run + "-" + (Math.floorMod(i * 7_919, COLD_PRODUCTS));
    }

    /** Queues the commands while the listener is paused, then times how fast it drains them. */
    private double tillRate(IntFunction<String> productFor, String checkoutPrefix) {
        MessageListenerContainer container = listeners.getListenerContainer("inventory-commands");
        container.pause();
        await().atMost(PATIENCE).until(container::isPauseRequested);
        for (int i = 0; i < RESERVATIONS; i++) {
            String productId = productFor.apply(i);
            CloudEvent command =
                    command(ReserveStock.TYPE, productId, new ReserveStock(checkoutPrefix + "-" + i, productId, 1));
            kafka.send(Topics.INVENTORY_COMMANDS, productId, mapper.writeValueAsString(command));
        }
        kafka.flush();
        long start = System.nanoTime();
        container.resume();
        await().atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> reservationsOf(checkoutPrefix) == RESERVATIONS);
        return RESERVATIONS / seconds(start);
    }

    /** The seed's first fix: every request its own transaction, waiting its turn on the row lock. */
    private double baselineRate(IntFunction<String> productFor, String checkoutPrefix) throws Exception {
        TransactionTemplate tx = new TransactionTemplate(transactions);
        ExecutorService callers = Executors.newFixedThreadPool(BASELINE_CALLERS);
        try {
            long start = System.nanoTime();
            List<Future<?>> done = IntStream.range(0, RESERVATIONS)
                    .mapToObj(i -> callers.submit(() -> {
                        String productId = productFor.apply(i);
                        var data = new ReserveStock(checkoutPrefix + "-" + i, productId, 1);
                        CloudEvent message = command(ReserveStock.TYPE, productId, data);
                        tx.executeWithoutResult(status -> {
                            Optional<Product> locked = lockAndWait(productId);
                            if (inbox.firstDelivery(message)) {
                                reservations.reserve(data, locked);
                            }
                        });
                    }))
                    .<Future<?>>map(f -> f)
                    .toList();
            for (Future<?> f : done) {
                f.get();
            }
            double rate = RESERVATIONS / seconds(start);
            assertThat(reservationsOf(checkoutPrefix)).isEqualTo(RESERVATIONS);
            return rate;
        } finally {
            callers.shutdownNow();
        }
    }

    private Optional<Product> lockAndWait(String productId) {
        return jdbc.sql("""
                        SELECT product_id, name, price_minor, on_hand, reserved, version
                        FROM products
                        WHERE product_id = ?
                        FOR UPDATE
                        """)
                .param(productId)
                .query((rs, n) -> new Product(
                        rs.getString("product_id"),
                        rs.getString("name"),
                        rs.getLong("price_minor"),
                        new Stock(rs.getLong("on_hand"), rs.getLong("reserved")),
                        rs.getLong("version")))
                .optional();
    }

    private long reservationsOf(String checkoutPrefix) {
        return jdbc.sql("SELECT count(*) FROM reservations WHERE checkout_id LIKE ? AND state = 'COMMITTED'")
                .param(checkoutPrefix + "-%")
                .query(Long.class)
                .single();
    }

    /** Reservations made in one transaction share its start time, {@code now()}. */
    private long transactionsOf(String checkoutPrefix) {
        return jdbc.sql("SELECT count(DISTINCT created_at) FROM reservations WHERE checkout_id LIKE ?")
                .param(checkoutPrefix + "-%")
                .query(Long.class)
                .single();
    }

    private static String rate(double perSecond) {
        return "%,.0f".formatted(perSecond);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
