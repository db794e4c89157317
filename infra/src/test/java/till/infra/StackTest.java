package till.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import till.infra.demo.TillClient;
import till.infra.stack.Stack;
import till.infra.stack.TillService;
import tools.jackson.databind.JsonNode;

/** What tests against the shared embedded stack have in common: the URLs and a till's basic moves. */
abstract class StackTest {

    protected final Stack stack = SharedStack.get();
    protected final TillClient client = SharedStack.client();
    protected final String checkout = SharedStack.url(TillService.Name.CHECKOUT);
    protected final String inventory = SharedStack.url(TillService.Name.INVENTORY);
    protected final String ledger = SharedStack.url(TillService.Name.LEDGER);

    protected String product(long priceMinor, int onHand) {
        String id = "product-" + UUID.randomUUID();
        TillClient.Response response = client.put(
                inventory + "/api/products/" + id,
                Map.of("name", "Product " + id, "priceMinor", priceMinor, "onHand", onHand),
                Map.of());
        assertThat(response.status()).as(response.body().toString()).isEqualTo(201);
        return id;
    }

    protected String customer(long creditLimitMinor) {
        String id = "customer-" + UUID.randomUUID();
        TillClient.Response response = client.put(
                ledger + "/api/customers/" + id,
                Map.of("name", "Customer " + id, "creditLimitMinor", creditLimitMinor),
                Map.of());
        assertThat(response.status()).as(response.body().toString()).isEqualTo(201);
        return id;
    }

    protected JsonNode checkoutAndAwait(String customer, List<Map<String, Object>> lines) {
        TillClient.Response started = client.post(
                checkout + "/api/checkouts",
                Map.of("customerId", customer, "lines", lines),
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        assertThat(started.status()).as(started.body().toString()).isEqualTo(202);
        String location = started.raw().headers().firstValue("Location").orElseThrow();
        return await().atMost(Duration.ofSeconds(45))
                .until(
                        () -> client.get(checkout + location).body(),
                        c -> !"PENDING".equals(c.get("status").asString()));
    }

    protected JsonNode stock(String product) {
        return client.get(inventory + "/api/products/" + product).body();
    }

    protected long balance(String customer) {
        return client.get(ledger + "/api/customers/" + customer)
                .body()
                .get("balanceMinor")
                .asLong();
    }
}
