package till.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import till.infra.demo.TillClient;
import till.infra.stack.TillService;
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
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode stock = stock(product);
            assertThat(stock.get("reserved").asLong()).isZero();
            assertThat(stock.get("onHand").asLong()).isEqualTo(3);
        });
        assertThat(balance(customer)).isZero();
        assertSound();
    }

    @Test
    void checkoutServiceKilledInTheMiddleOfTwoHundredCheckoutsLeavesEveryOneFinalAndEveryInvariantTrue()
            throws Exception {
        int products = 20;
        int stockEach = 5;
        long price = 100;
        List<String> productIds = new ArrayList<>();
        List<String> customerIds = new ArrayList<>();
        for (int i = 0; i < products; i++) {
            productIds.add(product(price, stockEach));
            customerIds.add(customer(1_000_000));
        }
        AtomicInteger accepted = new AtomicInteger();
        List<Future<String>> tills = new ArrayList<>();
        TillService checkoutService = stack.service(TillService.Name.CHECKOUT);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 200; i++) {
                String productId = productIds.get(i % products);
                String customerId = customerIds.get(i % products);
                tills.add(threads.submit(() -> sellWithRetries(customerId, productId, accepted)));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> accepted.get() >= 50);
            checkoutService.kill();
            checkoutService.restart(Duration.ofMinutes(2));

            Map<String, String> productOf = new HashMap<>();
            for (int i = 0; i < tills.size(); i++) {
                productOf.put(tills.get(i).get(), productIds.get(i % products));
            }
            assertThat(productOf).hasSize(200);

            Map<String, Integer> confirmedUnits = new HashMap<>();
            int confirmed = 0;
            for (String checkoutId : productOf.keySet()) {
                JsonNode result = await().atMost(Duration.ofSeconds(90))
                        .until(
                                () -> client.get(checkout + "/api/checkouts/" + checkoutId)
                                        .body(),
                                c -> !"PENDING".equals(c.get("status").asString()));
                if ("CONFIRMED".equals(result.get("status").asString())) {
                    confirmed++;
                    confirmedUnits.merge(productOf.get(checkoutId), 1, Integer::sum);
                } else {
                    assertThat(result.get("reason").asString()).isIn("OUT_OF_STOCK", "TIMED_OUT");
                }
            }

            int totalConfirmed = confirmed;
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                for (String productId : productIds) {
                    JsonNode stock = stock(productId);
                    assertThat(stock.get("reserved").asLong()).as(productId).isZero();
                    assertThat(stock.get("onHand").asLong())
                            .as(productId)
                            .isEqualTo(stockEach - confirmedUnits.getOrDefault(productId, 0));
                }
                long charged = customerIds.stream().mapToLong(this::balance).sum();
                assertThat(charged).isEqualTo(totalConfirmed * price);
            });
            assertThat(confirmedUnits.values())
                    .allSatisfy(units -> assertThat(units).isLessThanOrEqualTo(stockEach));
            assertThat(confirmed).isPositive();
            assertSound();
        }
    }

    /** A till: posts the sale, and after a connection failure or 5xx posts it again with the same key. */
    private String sellWithRetries(String customerId, String productId, AtomicInteger accepted)
            throws InterruptedException {
        String key = UUID.randomUUID().toString();
        Instant giveUp = Instant.now().plus(Duration.ofMinutes(3));
        while (Instant.now().isBefore(giveUp)) {
            try {
                TillClient.Response response = client.post(
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

    private void assertSound() {
        for (String service : List.of(checkout, inventory, ledger)) {
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(client.get(service + "/actuator/invariants")
                                    .body()
                                    .get("sound")
                                    .asBoolean())
                            .as(service + " "
                                    + client.get(service + "/actuator/invariants")
                                            .body())
                            .isTrue());
        }
    }
}
