package till.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import till.infra.demo.TillClient;
import till.infra.stack.TillService;
import till.testsupport.TopicReader;
import tools.jackson.databind.JsonNode;

/** Services die mid-way; every checkout still ends CONFIRMED or REJECTED and the SPEC's invariants hold. */
class StackFaultsIT extends StackTest {

    @Test
    void withInventoryDownTheCheckoutTimesOutAndNothingStaysReservedOrChargedOnceItIsBack() {
        String product = product(250, 3);
        String customer = customer(100_000);
        TillService inventoryService = stack.service(TillService.Name.INVENTORY);
        inventoryService.kill();
        try {
            JsonNode result = checkoutAndAwait(customer, List.of(Map.of("productId", product, "quantity", 2)));

            assertThat(result.get("status").asString()).isEqualTo("REJECTED");
            assertThat(result.get("reason").asString()).isEqualTo("TIMED_OUT");
        } finally {
            inventoryService.restart(Duration.ofMinutes(2));
        }
        // Back up, inventory applies the reservation and then the release behind it on the product's partition.
        // A quoted sale (ADR 10) was charged while inventory was down: the deadline reversed it.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode stock = stock(product);
            assertThat(stock.get("reserved").asLong()).isZero();
            assertThat(stock.get("onHand").asLong()).isEqualTo(3);
            assertThat(balance(customer)).isZero();
        });
        till.assertSound();
    }

    @Test
    void checkoutServiceKilledInTheMiddleOfTwoHundredCheckoutsLeavesEveryOneFinalAndEveryInvariantTrue()
            throws Exception {
        twoHundredSalesThroughAKill(TillService.Name.CHECKOUT, 5, 1_000_000);
    }

    /**
     * kill -9 of ledger-service while charges are in flight, with credit limits that bind (each customer can pay
     * for 5 of the 10 sales made to them): every sale ends final, no customer is charged twice or over the limit.
     */
    @Test
    void ledgerServiceKilledInTheMiddleOfTwoHundredCheckoutsChargesEachConfirmedSaleOnceWithinTheLimit()
            throws Exception {
        twoHundredSalesThroughAKill(TillService.Name.LEDGER, 6, 500);
    }

    /**
     * Twenty tills sell 200 sales of one unit at 100 (sale i: product and customer i % 20): once 50 of the first
     * hundred were accepted, {@code victim}'s JVM is killed with SIGKILL and started again, and the second hundred
     * follow. Each product ends at its stock less
     * its confirmed sales, each customer's balance is its confirmed sales' price (within its limit), and every
     * service's invariants hold.
     */
    private void twoHundredSalesThroughAKill(TillService.Name victim, int stockEach, long creditLimit)
            throws Exception {
        int products = 20;
        long price = 100;
        List<String> productIds = new ArrayList<>();
        List<String> customerIds = new ArrayList<>();
        for (int i = 0; i < products; i++) {
            productIds.add(product(price, stockEach));
            customerIds.add(customer(creditLimit));
        }
        AtomicInteger accepted = new AtomicInteger();
        List<Future<String>> tills = new ArrayList<>();
        TillService killed = stack.service(victim);
        // Twenty tills, each selling one sale after another: the kill lands mid-stream, not after the rush. The
        // second hundred is sold once the victim is back (sales in flight across a long outage time out).
        try (ExecutorService threads = Executors.newFixedThreadPool(20)) {
            for (int i = 0; i < 100; i++) {
                String productId = productIds.get(i % products);
                String customerId = customerIds.get(i % products);
                tills.add(threads.submit(() -> sellWithRetries(customerId, productId, accepted)));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> accepted.get() >= 50);
            long pid = killed.pid();
            killed.kill();
            assertThat(ProcessHandle.of(pid)).as("the killed JVM is gone").isEmpty();
            // Generous: a JVM boots in minutes on a busy two-core machine.
            killed.restart(Duration.ofMinutes(4));
            // The second hundred once the first is settled (each sale final, its stock and charge settled), so they
            // meet the stock and credit the first left rather than units and credit held by sales timing out.
            awaitBooksExact(tills.subList(0, 100), productIds, customerIds, stockEach, price);
            for (int i = 100; i < 200; i++) {
                String productId = productIds.get(i % products);
                String customerId = customerIds.get(i % products);
                tills.add(threads.submit(() -> sellWithRetries(customerId, productId, accepted)));
            }
            Map<Integer, Integer> confirmedOf = awaitBooksExact(tills, productIds, customerIds, stockEach, price);
            assertThat(confirmedOf.values())
                    .allSatisfy(units -> assertThat(units * price).isLessThanOrEqualTo(creditLimit));
            assertThat(confirmedOf).isNotEmpty();
            till.assertSound();
        }
    }

    /**
     * Waits until every one of these sales (sale i: product and customer i % n) is final and each product's stock
     * and each customer's balance show exactly the confirmed ones; returns the confirmed sales per product index.
     */
    private Map<Integer, Integer> awaitBooksExact(
            List<Future<String>> sales, List<String> productIds, List<String> customerIds, int stockEach, long price)
            throws Exception {
        int products = productIds.size();
        Map<String, Integer> saleOf = new HashMap<>();
        for (int i = 0; i < sales.size(); i++) {
            saleOf.put(sales.get(i).get(5, java.util.concurrent.TimeUnit.MINUTES), i % products);
        }
        assertThat(saleOf).as("one checkout per sale").hasSize(sales.size());
        Map<Integer, Integer> confirmedOf = new HashMap<>();
        for (var sale : saleOf.entrySet()) {
            JsonNode result = await().atMost(Duration.ofSeconds(90))
                    .until(
                            () -> cashier.get(checkout + "/api/checkouts/" + sale.getKey())
                                    .body(),
                            c -> !"PENDING".equals(c.get("status").asString()));
            if ("CONFIRMED".equals(result.get("status").asString())) {
                confirmedOf.merge(sale.getValue(), 1, Integer::sum);
            } else {
                assertThat(result.get("reason").asString()).isIn("OUT_OF_STOCK", "CREDIT_LIMIT_EXCEEDED", "TIMED_OUT");
            }
        }
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            for (int i = 0; i < products; i++) {
                int confirmed = confirmedOf.getOrDefault(i, 0);
                JsonNode stock = stock(productIds.get(i));
                assertThat(stock.get("reserved").asLong()).as(productIds.get(i)).isZero();
                assertThat(stock.get("onHand").asLong()).as(productIds.get(i)).isEqualTo(stockEach - confirmed);
                assertThat(balance(customerIds.get(i)))
                        .as("%s: one charge per confirmed sale", customerIds.get(i))
                        .isEqualTo(confirmed * price);
            }
        });
        return confirmedOf;
    }

    @Test
    void aSaleCommittedButNotYetPublishedWhenCheckoutServiceDiesIsPublishedAfterRestartAndAppliedOnce() {
        String product = product(100, 5);
        String customer = customer(100_000);
        TillService checkoutService = stack.service(TillService.Name.CHECKOUT);
        checkoutService.kill();
        // Its relay held back by a flag, so that the window between the outbox commit and the publish is certain:
        // the sale's ReserveStock is committed and goes nowhere. (A relay killed after the broker's acknowledgement
        // and before its mark is RelayKilledBetweenAcknowledgementAndMarkIT.)
        checkoutService.restart(Duration.ofMinutes(2), Map.of("TILL_OUTBOX_RELAY_ENABLED", "false"));
        TillClient.Response started = cashier.post(
                checkout + "/api/checkouts",
                Map.of("customerId", customer, "lines", List.of(Map.of("productId", product, "quantity", 1))),
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        assertThat(started.status()).isEqualTo(202);
        String location = started.raw().headers().firstValue("Location").orElseThrow();
        // Nothing reaches inventory: the unit stays on hand (a reservation would sell it, ADR 17).
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(10))
                .until(() -> stock(product).get("onHand").asLong() == 5);

        checkoutService.kill();
        checkoutService.restart(Duration.ofMinutes(2));

        JsonNode sale = await().atMost(Duration.ofSeconds(90))
                .until(
                        () -> client.get(checkout + location).body(),
                        c -> !"PENDING".equals(c.get("status").asString()));
        // A restart slower than the deadline times the sale out; either way the books agree with the answer.
        long expectedOnHand = "CONFIRMED".equals(sale.get("status").asString()) ? 4 : 5;
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(stock(product).get("onHand").asLong()).isEqualTo(expectedOnHand);
            assertThat(stock(product).get("reserved").asLong()).isZero();
            assertThat(balance(customer)).isEqualTo(100 * (5 - expectedOnHand));
            // Published after the restart, and applied exactly once: one ReserveStock sent, one answer received.
            // A sale the deadline rejected first receives that answer after its status changed, hence the wait.
            JsonNode timeline = client.get(checkout + location + "/timeline").body();
            assertThat(Till.count(timeline, "SENT", "till.inventory.ReserveStock"))
                    .isEqualTo(1);
            assertThat(Till.count(timeline, "RECEIVED", "till.inventory.StockReserved"))
                    .isEqualTo(1);
        });
        till.assertSound();
    }

    @Test
    void theBrokerKilledUnderLoadLosesNoEventAndKeepsEveryProductsOrder() throws Exception {
        int products = 50;
        int rounds = 24;
        List<String> productIds = new ArrayList<>();
        Map<String, Long> createdAt = new HashMap<>();
        for (int i = 0; i < products; i++) {
            String id = product(100, 10);
            productIds.add(id);
            createdAt.put(id, stock(id).get("version").asLong());
        }
        AtomicInteger adjusted = new AtomicInteger();
        try (ExecutorService writer = Executors.newSingleThreadExecutor()) {
            Future<?> load = writer.submit(() -> {
                for (int round = 0; round < rounds; round++) {
                    for (String id : productIds) {
                        TillClient.Response r = client.post(
                                inventory + "/api/products/" + id + "/adjustments",
                                Map.of("adjustmentId", UUID.randomUUID().toString(), "delta", 1, "reason", "delivery"),
                                Map.of());
                        assertThat(r.status()).as(r.body().toString()).isEqualTo(201);
                        adjusted.incrementAndGet();
                    }
                }
                return null;
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> adjusted.get() >= products * rounds / 4);
            // kill -9 of the broker's JVM: no controlled shutdown, its log recovered on the next start.
            ProcessHandle broker = ProcessHandle.of(stack.kafkaPid()).orElseThrow();
            broker.destroyForcibly();
            await().atMost(Duration.ofSeconds(30)).until(() -> !broker.isAlive());
            // The outage lasts while inventory commits 300 more adjustments to its outbox that it cannot publish.
            int atTheKill = adjusted.get();
            await().atMost(Duration.ofSeconds(60)).until(() -> adjusted.get() >= atTheKill + 300);
            stack.startKafka();
            load.get(5, java.util.concurrent.TimeUnit.MINUTES);
        }
        assertThat(adjusted.get()).isEqualTo(products * rounds);

        Map<String, Long> finalVersion = new HashMap<>();
        for (String id : productIds) {
            finalVersion.put(id, stock(id).get("version").asLong());
        }
        Map<String, List<Long>> versions = readStockEvents(productIds, finalVersion);
        for (String id : productIds) {
            List<Long> seen = versions.getOrDefault(id, List.of());
            List<Long> expected = java.util.stream.LongStream.rangeClosed(createdAt.get(id) + 1, finalVersion.get(id))
                    .boxed()
                    .toList();
            assertThat(seen)
                    .as("versions of %s, deduplicated by message id", id)
                    .containsSubsequence(expected);
            assertThat(seen).as("order of %s", id).isSorted();
        }
        till.assertSound();
    }

    /**
     * inventory.events for these products, per product, skipping message ids already seen (as the inbox does): read
     * until every product's final version has come (90 s at most), then on to the end offsets, so that a copy
     * delivered after it is seen too.
     */
    private Map<String, List<Long>> readStockEvents(List<String> productIds, Map<String, Long> until) {
        Set<String> wanted = new HashSet<>(productIds);
        try (TopicReader reader = TopicReader.open(stack.kafkaClientConfig(), "inventory.events")) {
            Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
            List<ConsumerRecord<String, String>> read = reader.records();
            while (!caughtUp(versionsOf(read, wanted), until) && Instant.now().isBefore(deadline)) {
                read = reader.records();
            }
            return versionsOf(reader.recordsToEnd(), wanted);
        }
    }

    private static Map<String, List<Long>> versionsOf(
            List<ConsumerRecord<String, String>> records, Set<String> wanted) {
        var json = tools.jackson.databind.json.JsonMapper.builder().build();
        Map<String, List<Long>> versions = new HashMap<>();
        Set<String> seenIds = new HashSet<>();
        for (var record : records) {
            if (wanted.contains(record.key())) {
                JsonNode event = json.readTree(record.value());
                if (seenIds.add(event.get("id").asString())) {
                    versions.computeIfAbsent(record.key(), k -> new ArrayList<>())
                            .add(event.get("data").get("version").asLong());
                }
            }
        }
        return versions;
    }

    private static boolean caughtUp(Map<String, List<Long>> versions, Map<String, Long> until) {
        return until.entrySet().stream()
                .allMatch(e -> versions.getOrDefault(e.getKey(), List.of()).contains(e.getValue()));
    }

    /** A till: posts the sale, and after a connection failure or 5xx posts it again with the same key. */
    private String sellWithRetries(String customerId, String productId, AtomicInteger accepted)
            throws InterruptedException {
        String key = UUID.randomUUID().toString();
        Instant giveUp = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(giveUp)) {
            try {
                TillClient.Response response = cashier.post(
                        checkout + "/api/checkouts",
                        Map.of(
                                "customerId",
                                customerId,
                                "lines",
                                List.of(Map.of("productId", productId, "quantity", 1))),
                        Map.of("Idempotency-Key", key));
                if (response.status() == 202) {
                    accepted.incrementAndGet();
                    return response.body().get("checkoutId").asString();
                }
                assertThat(response.status()).as(response.body().toString()).isGreaterThanOrEqualTo(500);
            } catch (IllegalStateException connectionFailed) {
                // checkout-service is down: a till retries with the same Idempotency-Key.
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the sale for " + customerId + " was never accepted");
    }
}
