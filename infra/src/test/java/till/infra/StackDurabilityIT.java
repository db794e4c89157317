package till.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import till.infra.demo.Callers;
import till.infra.demo.TillClient;
import till.infra.stack.Stack;
import till.infra.stack.TillService;
import tools.jackson.databind.JsonNode;

/**
 * The stack's data outlives the stack: a graceful stop, a kill -9 of every process (a power cut at the shop) and a
 * kill -9 of one service lose no sale, no unit of stock and no cent. Each test runs its own stack on a throw-away
 * directory, started again on that same directory where the test needs it.
 */
class StackDurabilityIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final long PRICE = 100;

    /** Made on the first start, with that start's credentials: a restart on the same directory must keep them. */
    private Callers callers;

    private final List<String> said = new CopyOnWriteArrayList<>();
    private final Consumer<String> say = line -> {
        said.add(line);
        System.out.println("durable stack: " + line);
    };
    private Stack stack;

    /** A failed test's directory stays under infra/target, with every process's log. */
    @RegisterExtension
    final TestWatcher wipeWhenPassed = new TestWatcher() {
        @Override
        public void testSuccessful(ExtensionContext context) {
            Stack.wipe(stack.options().workDir());
        }
    };

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.stop();
        }
        if (callers != null) {
            callers.cashier().close();
            callers.admin().close();
        }
    }

    private Stack start(Stack.Options options) {
        stack = Stack.start(options, say);
        if (callers == null) {
            callers = new Callers(
                    new TillClient(stack.credentials().cashier()),
                    new TillClient(stack.credentials().admin()));
        }
        return stack;
    }

    private static Stack.Options throwAway(boolean supervised) {
        return throwAway(supervised, Duration.ofSeconds(30));
    }

    private static Stack.Options throwAway(boolean supervised, Duration checkoutDeadline) {
        return new Stack.Options(
                ROOT, SharedStack.throwAwayDir(ROOT, "durable-"), false, 12, checkoutDeadline, supervised);
    }

    /**
     * A graceful stop and a new start on the same directory, then kill -9 of a service on that restarted stack: one
     * stack for both, as every stack started here costs the build tens of seconds.
     */
    @Test
    void aStoppedStackReadsTheSameWhenStartedAgainSellsOnAndRestartsAServiceKilledUnderLoad() throws Exception {
        Stack.Options options = throwAway(true);
        Till till = Till.of(start(options), callers);
        assertThat(setting("fsync")).isEqualTo("on");
        assertThat(setting("synchronous_commit")).isEqualTo("on");
        String clusterId = clusterId();
        String operatorPassword = stack.env().get("KAFKA_OPERATOR_PASSWORD");
        String product = till.product(PRICE, 10);
        String customer = till.customer(100_000);
        List<String> sales = new ArrayList<>();
        String firstKey = UUID.randomUUID().toString();
        sales.add(till.sellUntilAnswered(customer, product, firstKey, Duration.ofSeconds(30)));
        for (int i = 0; i < 2; i++) {
            sales.add(
                    till.sellUntilAnswered(customer, product, UUID.randomUUID().toString(), Duration.ofSeconds(30)));
        }
        for (String sale : sales) {
            assertThat(till.awaitFinal(sale, Duration.ofSeconds(45))
                            .get("status")
                            .asString())
                    .isEqualTo("CONFIRMED");
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> till.stock(product).get("onHand").asLong() == 7);
        Map<String, JsonNode> before = reads(till, product, customer, sales);
        assertThat(before.get("stock").get("onHand").asLong()).isEqualTo(7);
        assertThat(before.get("customer").get("balanceMinor").asLong()).isEqualTo(3 * PRICE);

        stack.stop();
        Till restarted = Till.of(start(options), callers);

        assertThat(reads(restarted, product, customer, sales)).isEqualTo(before);
        assertThat(clusterId()).as("the broker's cluster, kept").isEqualTo(clusterId);
        assertThat(stack.env().get("KAFKA_OPERATOR_PASSWORD"))
                .as("the broker's passwords, kept with its log")
                .isEqualTo(operatorPassword);
        assertThat(restarted.sell(customer, product, firstKey))
                .as("the first sale's key answers the first sale")
                .contains(sales.getFirst());
        JsonNode next = restarted.checkoutAndAwait(customer, List.of(Map.of("productId", product, "quantity", 1)));
        assertThat(next.get("status").asString()).isEqualTo("CONFIRMED");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(restarted.stock(product).get("onHand").asLong()).isEqualTo(6);
            assertThat(restarted.balance(customer)).isEqualTo(4 * PRICE);
        });
        restarted.assertSound();

        aServiceKilledUnderLoadIsRestartedByTheStackAndTheBooksStayExact(restarted);
    }

    @Test
    void everyProcessKilledDuringSixtySalesLosesNothingAndEverySaleRetriedWithItsKeyEndsFinalAndExact()
            throws Exception {
        // Unsupervised: a power cut leaves nothing to restart the services; the next start is the recovery.
        // The sales' deadline outlasts the restart: every sale is started before the cut and worked on after it, and a
        // restart on a busy machine took 40 s, past a 30 s deadline, so that every sale timed out and none was sold.
        Stack.Options options = throwAway(false, Duration.ofMinutes(2));
        Till till = Till.of(start(options), callers);
        Shop shop = Shop.open(till, 10, 4);
        int sales = 60;
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < sales; i++) {
            keys.add(UUID.randomUUID().toString());
        }

        // Twenty tills at once, each posting its sales once; the kill lands while sales are being answered.
        Map<Integer, String> answeredBeforeTheCrash = new ConcurrentHashMap<>();
        AtomicInteger answered = new AtomicInteger();
        Till before = till;
        try (ExecutorService tills = Executors.newFixedThreadPool(20)) {
            List<Future<?>> posts = new ArrayList<>();
            for (int i = 0; i < sales; i++) {
                int sale = i;
                posts.add(tills.submit(() -> before.sell(shop.customer(sale), shop.product(sale), keys.get(sale))
                        .ifPresent(checkoutId -> {
                            answeredBeforeTheCrash.put(sale, checkoutId);
                            answered.incrementAndGet();
                        })));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> answered.get() >= 15);
            killEveryProcess();
            for (Future<?> post : posts) {
                post.get(2, TimeUnit.MINUTES);
            }
        }
        assertThat(answeredBeforeTheCrash.size()).isLessThan(sales);

        stack.stop();
        Till after = Till.of(start(options), callers);

        Map<String, Integer> saleOf = new HashMap<>();
        try (ExecutorService tills = Executors.newFixedThreadPool(20)) {
            List<Future<String>> retries = new ArrayList<>();
            for (int i = 0; i < sales; i++) {
                int sale = i;
                retries.add(tills.submit(() -> after.sellUntilAnswered(
                        shop.customer(sale), shop.product(sale), keys.get(sale), Duration.ofMinutes(2))));
            }
            for (int i = 0; i < sales; i++) {
                String checkoutId = retries.get(i).get(3, TimeUnit.MINUTES);
                if (answeredBeforeTheCrash.containsKey(i)) {
                    assertThat(checkoutId)
                            .as("sale %d, answered before the crash, answered again after it", i)
                            .isEqualTo(answeredBeforeTheCrash.get(i));
                }
                saleOf.put(checkoutId, i);
            }
        }
        assertThat(saleOf).as("one checkout per key").hasSize(sales);
        assertBooksExact(after, shop, saleOf);
    }

    /** On a supervised stack: kill -9 of checkout-service during sixty sales, which the stack restarts. */
    private void aServiceKilledUnderLoadIsRestartedByTheStackAndTheBooksStayExact(Till till) throws Exception {
        Shop shop = Shop.open(till, 10, 4);
        int sales = 60;
        TillService checkoutService = stack.service(TillService.Name.CHECKOUT);
        long killed = checkoutService.pid();
        AtomicInteger answered = new AtomicInteger();
        Map<String, Integer> saleOf = new HashMap<>();
        // Six tills for sixty sales: most of them are still to come when the kill lands.
        try (ExecutorService tills = Executors.newFixedThreadPool(6)) {
            List<Future<String>> posts = new ArrayList<>();
            for (int i = 0; i < sales; i++) {
                int sale = i;
                posts.add(tills.submit(() -> {
                    String checkoutId = till.sellUntilAnswered(
                            shop.customer(sale),
                            shop.product(sale),
                            UUID.randomUUID().toString(),
                            Duration.ofMinutes(3));
                    answered.incrementAndGet();
                    return checkoutId;
                }));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> answered.get() >= 10);
            // kill -9 from outside, as an operator or the kernel's OOM killer would: nobody here restarts it.
            ProcessHandle.of(killed).orElseThrow().destroyForcibly();
            for (int i = 0; i < sales; i++) {
                saleOf.put(posts.get(i).get(4, TimeUnit.MINUTES), i);
            }
        }
        assertThat(said).contains("checkout-service exited (code 137); restarting in 1 s");
        assertThat(checkoutService.pid()).isNotEqualTo(killed);
        assertThat(saleOf).hasSize(sales);
        assertBooksExact(till, shop, saleOf);
    }

    /** kill -9 of every service JVM, the broker's JVM and PostgreSQL's postmaster with all its backends. */
    private void killEveryProcess() {
        List<ProcessHandle> all = new ArrayList<>();
        for (TillService.Name name : TillService.Name.values()) {
            ProcessHandle.of(stack.service(name).pid()).ifPresent(all::add);
        }
        ProcessHandle.of(stack.kafkaPid()).ifPresent(all::add);
        ProcessHandle postmaster = ProcessHandle.of(stack.postgresPid()).orElseThrow();
        all.add(postmaster);
        postmaster.descendants().forEach(all::add);
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle process : all) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !process.isAlive());
        }
    }

    /** Products with the same price and stock, one customer each: sale i sells one of product i % n to customer i % n. */
    private record Shop(List<String> products, List<String> customers, int stockEach) {

        static Shop open(Till till, int n, int stockEach) {
            List<String> products = new ArrayList<>();
            List<String> customers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                products.add(till.product(PRICE, stockEach));
                customers.add(till.customer(1_000_000));
            }
            return new Shop(products, customers, stockEach);
        }

        String product(int sale) {
            return products.get(sale % products.size());
        }

        String customer(int sale) {
            return customers.get(sale % customers.size());
        }
    }

    /**
     * Every checkout CONFIRMED or REJECTED; per product, stock on hand is what it was less the confirmed units and
     * nothing stays reserved; per customer, the balance is the confirmed sales' price; every service sound.
     */
    private static void assertBooksExact(Till till, Shop shop, Map<String, Integer> saleOf) {
        Map<String, Integer> unitsSold = new HashMap<>();
        Map<String, Long> charged = new HashMap<>();
        for (var checkout : saleOf.entrySet()) {
            JsonNode sale = till.awaitFinal(checkout.getKey(), Duration.ofSeconds(90));
            if ("CONFIRMED".equals(sale.get("status").asString())) {
                unitsSold.merge(shop.product(checkout.getValue()), 1, Integer::sum);
                charged.merge(shop.customer(checkout.getValue()), PRICE, Long::sum);
            } else {
                assertThat(sale.get("status").asString()).isEqualTo("REJECTED");
                assertThat(sale.get("reason").asString()).isIn("OUT_OF_STOCK", "TIMED_OUT");
            }
        }
        assertThat(unitsSold).as("some sales confirmed").isNotEmpty();
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            for (String productId : shop.products()) {
                JsonNode stock = till.stock(productId);
                assertThat(stock.get("reserved").asLong()).as(productId).isZero();
                assertThat(stock.get("onHand").asLong())
                        .as(productId)
                        .isEqualTo(shop.stockEach() - unitsSold.getOrDefault(productId, 0));
            }
            for (String customerId : shop.customers()) {
                assertThat(till.balance(customerId)).as(customerId).isEqualTo(charged.getOrDefault(customerId, 0L));
            }
        });
        till.assertSound();
    }

    /** What a restart must keep, as the REST APIs show it. */
    private static Map<String, JsonNode> reads(Till till, String product, String customer, List<String> sales) {
        Map<String, JsonNode> reads = new HashMap<>();
        reads.put("stock", till.stock(product));
        reads.put(
                "customer",
                till.admin().get(till.ledger() + "/api/customers/" + customer).body());
        reads.put(
                "entries",
                till.admin()
                        .get(till.ledger() + "/api/customers/" + customer + "/entries?page=0&size=50")
                        .body());
        for (String sale : sales) {
            reads.put(
                    sale,
                    till.admin().get(till.checkout() + "/api/checkouts/" + sale).body());
            reads.put(
                    sale + "/timeline",
                    till.admin()
                            .get(till.checkout() + "/api/checkouts/" + sale + "/timeline")
                            .body());
        }
        return reads;
    }

    private String setting(String name) throws Exception {
        try (Connection c =
                        DriverManager.getConnection(stack.jdbcUrl(TillService.Name.CHECKOUT), "checkout", "checkout");
                Statement s = c.createStatement();
                ResultSet row = s.executeQuery("SHOW " + name)) {
            assertThat(row.next()).isTrue();
            return row.getString(1);
        }
    }

    private String clusterId() throws Exception {
        try (Admin admin = Admin.create(stack.kafkaClientConfig())) {
            return admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        }
    }
}
