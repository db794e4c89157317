package till.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import till.infra.demo.Callers;
import till.infra.demo.TillClient;
import till.infra.stack.Stack;
import till.infra.stack.TillService;
import tools.jackson.databind.JsonNode;

/**
 * A till's and an operator's basic moves against one running stack, through its REST APIs: the till's (sales, and
 * reading them, the stock and balances) as the cashier, the operator's (products, customers, the actuator) as the
 * admin.
 */
record Till(TillClient cashier, TillClient admin, String checkout, String inventory, String ledger) {

    static Till of(Stack stack, Callers callers) {
        return new Till(
                callers.cashier(),
                callers.admin(),
                stack.service(TillService.Name.CHECKOUT).url(),
                stack.service(TillService.Name.INVENTORY).url(),
                stack.service(TillService.Name.LEDGER).url());
    }

    String product(long priceMinor, int onHand) {
        String id = "product-" + UUID.randomUUID();
        TillClient.Response response = admin.put(
                inventory + "/api/products/" + id,
                Map.of("name", "Product " + id, "priceMinor", priceMinor, "onHand", onHand),
                Map.of());
        assertThat(response.status()).as(response.body().toString()).isEqualTo(201);
        return id;
    }

    String customer(long creditLimitMinor) {
        String id = "customer-" + UUID.randomUUID();
        TillClient.Response response = admin.put(
                ledger + "/api/customers/" + id,
                Map.of("name", "Customer " + id, "creditLimitMinor", creditLimitMinor),
                Map.of());
        assertThat(response.status()).as(response.body().toString()).isEqualTo(201);
        return id;
    }

    /** One POST of one unit; the checkout id when it was accepted, empty when the till got no answer. */
    Optional<String> sell(String customerId, String productId, String idempotencyKey) {
        try {
            TillClient.Response response = cashier.post(
                    checkout + "/api/checkouts",
                    Map.of("customerId", customerId, "lines", List.of(Map.of("productId", productId, "quantity", 1))),
                    Map.of("Idempotency-Key", idempotencyKey));
            if (response.status() == 202) {
                return Optional.of(response.body().get("checkoutId").asString());
            }
            assertThat(response.status()).as(response.body().toString()).isGreaterThanOrEqualTo(500);
            return Optional.empty();
        } catch (IllegalStateException noAnswer) {
            // Connection refused or cut: what a till sees of a service that is down.
            return Optional.empty();
        }
    }

    /** A till: posts the sale and, while it gets no answer, posts it again with the same key. */
    String sellUntilAnswered(String customerId, String productId, String idempotencyKey, Duration giveUpAfter)
            throws InterruptedException {
        Instant giveUp = Instant.now().plus(giveUpAfter);
        while (Instant.now().isBefore(giveUp)) {
            Optional<String> checkoutId = sell(customerId, productId, idempotencyKey);
            if (checkoutId.isPresent()) {
                return checkoutId.get();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the sale with key " + idempotencyKey + " was never answered");
    }

    JsonNode checkoutAndAwait(String customer, List<Map<String, Object>> lines) {
        TillClient.Response started = cashier.post(
                checkout + "/api/checkouts",
                Map.of("customerId", customer, "lines", lines),
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        assertThat(started.status()).as(started.body().toString()).isEqualTo(202);
        return awaitFinal(started.body().get("checkoutId").asString(), Duration.ofSeconds(45));
    }

    JsonNode awaitFinal(String checkoutId, Duration atMost) {
        return await().atMost(atMost)
                .until(
                        () -> cashier.get(checkout + "/api/checkouts/" + checkoutId)
                                .body(),
                        c -> !"PENDING".equals(c.get("status").asString()));
    }

    /** Entries of a checkout's timeline in this direction (SENT, RECEIVED) of this message type. */
    static long count(JsonNode timeline, String direction, String type) {
        long n = 0;
        for (JsonNode entry : timeline) {
            if (direction.equals(entry.get("direction").asString())
                    && type.equals(entry.get("type").asString())) {
                n++;
            }
        }
        return n;
    }

    JsonNode stock(String product) {
        return cashier.get(inventory + "/api/products/" + product).body();
    }

    long balance(String customer) {
        return cashier.get(ledger + "/api/customers/" + customer)
                .body()
                .get("balanceMinor")
                .asLong();
    }

    /** Every service's {@code /actuator/invariants} reports sound (waited for: checks run on a schedule). */
    void assertSound() {
        for (String service : List.of(checkout, inventory, ledger)) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode report = admin.get(service + "/actuator/invariants").body();
                assertThat(report.get("sound").asBoolean())
                        .as(service + " " + report)
                        .isTrue();
            });
        }
    }
}
