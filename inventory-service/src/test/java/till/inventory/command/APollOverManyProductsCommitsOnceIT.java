package till.inventory.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import till.contracts.inventory.CommitStock;
import till.contracts.inventory.ReleaseStock;
import till.contracts.inventory.ReserveStock;
import till.contracts.inventory.StockLevelChanged;
import till.contracts.inventory.StockRejected;
import till.contracts.inventory.StockReleased;
import till.contracts.inventory.StockReserved;
import till.inventory.InventoryHarness;
import till.platform.cloudevents.CloudEvent;
import till.platform.kafka.Topics;
import till.testsupport.StatementCounter;

/**
 * A poll's commands for many products commit in one transaction, all its products locked in one statement (ADR 5,
 * round 10). When another writer holds one of them, the poll is applied product by product instead: the free ones
 * commit at once, and the locked one once its lock is released. Each reservation's transaction is read from its
 * row's {@code xmin}, the id of the transaction that wrote it.
 */
class APollOverManyProductsCommitsOnceIT extends InventoryHarness {

    private static final int PRODUCTS = 5;

    @Autowired
    InventoryCommandListener listener;

    @Autowired
    PlatformTransactionManager transactions;

    @Test
    void fiveProductsReservedAndOneReleasedInOneTransaction() {
        List<String> products = products("kettle");
        String released = "released-" + UUID.randomUUID();
        List<ConsumerRecord<String, String>> poll = new ArrayList<>();
        for (String product : products) {
            poll.add(record(ReserveStock.TYPE, product, new ReserveStock(checkout(product), product, 2)));
        }
        // A command of another kind in the same poll: a release that arrives before its reservation leaves a marker.
        poll.add(record(ReleaseStock.TYPE, products.getFirst(), new ReleaseStock(released, products.getFirst())));

        listener.on(poll);

        for (String product : products) {
            assertThat(row(product))
                    .as("2 of 10 sold at the reservation (ADR 17)")
                    .isEqualTo(new Row(8, 0, 2));
        }
        assertThat(transactionsThatReserved(products))
                .as("one transaction for the poll")
                .isEqualTo(1);
        assertThat(jdbc.sql("SELECT state FROM reservations WHERE checkout_id = ?")
                        .param(released)
                        .query(String.class)
                        .single())
                .isEqualTo("RELEASED");
        assertThat(invariants().get("sound").asBoolean()).isTrue();
    }

    /**
     * A poll's reserves, commits and releases over many products are decided in memory and written a statement per
     * table (ADR 5, round 12): nineteen commands over five products cost what one commit costs, plus the inbox and
     * the new reservations. Every outcome is that of each command applied alone, in order. The poll holds each kind
     * of command there is since ADR 17: reservations (sold at once), releases of sales, and an older
     * checkout-service's commits, of a reservation an older inventory left held and of one sold already.
     */
    @Test
    void nineteenCommandsOverFiveProductsInSevenStatements() {
        List<String> products = products("teapot");
        List<ConsumerRecord<String, String>> before = new ArrayList<>();
        for (String product : products) {
            holdAsBefore("held-" + product, product, 2);
            before.add(record(ReserveStock.TYPE, product, new ReserveStock("dropped-" + product, product, 1)));
        }
        listener.on(before);
        String first = products.getFirst();
        String second = products.get(1);
        String early = "early-" + UUID.randomUUID();
        String quick = "quick-" + UUID.randomUUID();
        List<ConsumerRecord<String, String>> poll = new ArrayList<>();
        for (String product : products) {
            poll.add(record(ReserveStock.TYPE, product, new ReserveStock("new-" + product, product, 2)));
            poll.add(record(CommitStock.TYPE, product, new CommitStock("held-" + product, product)));
            poll.add(record(ReleaseStock.TYPE, product, new ReleaseStock("dropped-" + product, product)));
        }
        // A release before its reservation leaves a marker that refuses the reservation after it in the same poll.
        poll.add(record(ReleaseStock.TYPE, first, new ReleaseStock(early, first)));
        poll.add(record(ReserveStock.TYPE, first, new ReserveStock(early, first, 1)));
        // Reserved and sold in the same poll: written once, as sold.
        poll.add(record(ReserveStock.TYPE, second, new ReserveStock(quick, second, 1)));
        poll.add(record(CommitStock.TYPE, second, new CommitStock(quick, second)));

        long statements = StatementCounter.count(() -> {
                    listener.on(poll);
                    return null;
                })
                .statements();

        assertThat(statements)
                .as("lock, inbox, reservations read, stock, new reservations, moved reservations, outbox")
                .isEqualTo(7);
        for (String product : products) {
            // 10 on hand, 2 held by the older inventory, 1 sold to dropped: then sold 2 anew, the held 2 committed,
            // dropped's 1 given back; the second product also sold 1 to the quick sale.
            // Versions: 1, the hold, the sale, then one per stock change of this poll.
            assertThat(row(product)).isEqualTo(product.equals(second) ? new Row(5, 0, 7) : new Row(6, 0, 6));
            assertThat(states(product))
                    .containsEntry("held-" + product, "COMMITTED 2")
                    .containsEntry("dropped-" + product, "RELEASED 1")
                    .containsEntry("new-" + product, "COMMITTED 2");
        }
        assertThat(states(first)).containsEntry(early, "RELEASED 0");
        assertThat(states(second)).containsEntry(quick, "COMMITTED 1");
        assertThat(written(early)).containsExactly(StockReleased.TYPE, StockRejected.TYPE);
        // A commit is answered only when refused (ADR 16), and a sold reservation's commit changes nothing.
        assertThat(written(quick)).containsExactly(StockReserved.TYPE);
        assertThat(written("held-" + first)).isEmpty();
        assertThat(written("dropped-" + first)).containsExactly(StockReserved.TYPE, StockReleased.TYPE);
        assertThat(lastFact(first)).isEqualTo("6 sold to 2 checkouts, released by dropped-" + first);
        assertThat(lastFact(second)).isEqualTo("7 sold to 3 checkouts, released by dropped-" + second);
        assertThat(invariants().get("sound").asBoolean()).isTrue();
    }

    @Test
    void aProductLockedByAnotherWriterIsWaitedForAloneWhileTheOthersCommit() throws Exception {
        List<String> products = products("toaster");
        String locked = products.getLast();
        List<ConsumerRecord<String, String>> poll = new ArrayList<>();
        for (String product : products) {
            poll.add(record(ReserveStock.TYPE, product, new ReserveStock(checkout(product), product, 2)));
        }
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // Threads of their own: on two cores the common pool has a single worker, which the writer would hold.
        ExecutorService threads = Executors.newFixedThreadPool(2);
        // Another writer (a person's edit, a zombie consumer) holds one product's row for a while.
        CompletableFuture<Void> writer = CompletableFuture.runAsync(
                () -> new TransactionTemplate(transactions).executeWithoutResult(status -> {
                    jdbc.sql("SELECT 1 FROM products WHERE product_id = ? FOR UPDATE")
                            .param(locked)
                            .query(Integer.class)
                            .single();
                    holding.countDown();
                    await(release);
                }),
                threads);
        assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> consumer = CompletableFuture.runAsync(() -> listener.on(poll), threads);
        try {
            // The free products do not wait for the locked one: each commits in its own transaction.
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> reservations(products) >= PRODUCTS - 1);
            assertThat(reservations(products)).isEqualTo(PRODUCTS - 1);
            assertThat(row(locked)).isEqualTo(new Row(10, 0, 1));
        } finally {
            release.countDown();
            writer.get(30, TimeUnit.SECONDS);
            consumer.get(30, TimeUnit.SECONDS);
            threads.shutdown();
        }

        for (String product : products) {
            assertThat(row(product)).isEqualTo(new Row(8, 0, 2));
        }
        assertThat(transactionsThatReserved(products))
                .as("one transaction per product")
                .isEqualTo(PRODUCTS);
        assertThat(invariants().get("sound").asBoolean()).isTrue();
    }

    private List<String> products(String name) {
        List<String> products = new ArrayList<>();
        for (int i = 0; i < PRODUCTS; i++) {
            String product = name + "-" + i + "-" + UUID.randomUUID();
            createProduct(product, 500, 10);
            products.add(product);
        }
        return products;
    }

    private static String checkout(String product) {
        return "sale-of-" + product;
    }

    /** Each reservation of the product as "STATE quantity", by checkout. */
    private Map<String, String> states(String product) {
        Map<String, String> states = new HashMap<>();
        jdbc.sql("SELECT checkout_id, state, quantity FROM reservations WHERE product_id = ?")
                .param(product)
                .query((rs, n) -> states.put(rs.getString(1), rs.getString(2) + " " + rs.getLong(3)))
                .list();
        return states;
    }

    /** The types of the messages written to the outbox under this key, in order. */
    private List<String> written(String key) {
        return jdbc.sql("SELECT type FROM outbox WHERE aggregateid = ? ORDER BY seq")
                .param(key)
                .query(String.class)
                .list();
    }

    /** The product's last StockLevelChanged as "version cause". */
    private String lastFact(String product) {
        return jdbc.sql("""
                        SELECT (payload -> 'data' ->> 'version') || ' ' || (payload -> 'data' ->> 'cause') FROM outbox
                        WHERE aggregateid = ? AND type = ?
                        ORDER BY seq DESC LIMIT 1
                        """)
                .params(product, StockLevelChanged.TYPE)
                .query(String.class)
                .single();
    }

    private long transactionsThatReserved(List<String> products) {
        return count("SELECT count(DISTINCT xmin::text) FROM reservations WHERE product_id = ANY (?)", products);
    }

    private long reservations(List<String> products) {
        return count("SELECT count(*) FROM reservations WHERE product_id = ANY (?) AND state = 'COMMITTED'", products);
    }

    private long count(String sql, List<String> products) {
        Long counted = jdbc.sql(sql)
                .param(products.toArray(String[]::new))
                .query(Long.class)
                .single();
        return counted == null ? 0 : counted;
    }

    private ConsumerRecord<String, String> record(String type, String productId, Object data) {
        CloudEvent event = command(type, productId, data);
        return new ConsumerRecord<>(Topics.INVENTORY_COMMANDS, 0, 0, productId, mapper.writeValueAsString(event));
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
