package till.infra.bench;

import java.util.List;
import java.util.Map;

/** The synchronous checkout: one {@code POST /api/sales}, and the answer is the outcome. */
record SyncCheckouts(BenchHttp http, String url, Cpu.Processes processes) implements CheckoutSystem {

    @Override
    public String name() {
        return "sync";
    }

    @Override
    public void putProduct(String productId, long priceMinor, long onHand) {
        BenchHttp.require(
                http.put(
                        url + "/api/products/" + productId,
                        Map.of("name", "Bench " + productId, "priceMinor", priceMinor, "onHand", onHand)),
                "sync: PUT product " + productId);
    }

    @Override
    public void putCustomer(String customerId, long creditLimitMinor) {
        BenchHttp.require(
                http.put(
                        url + "/api/customers/" + customerId,
                        Map.of("name", "Bench " + customerId, "creditLimitMinor", creditLimitMinor)),
                "sync: PUT customer " + customerId);
    }

    @Override
    public Outcome checkout(String idempotencyKey, String customerId, List<Line> lines) {
        BenchHttp.Answer answer = http.post(
                url + "/api/sales",
                Map.of("customerId", customerId, "lines", lines),
                Map.of("Idempotency-Key", idempotencyKey));
        if (answer.status() != 200 && answer.status() != 409) {
            throw new IllegalStateException("POST /api/sales: HTTP " + answer.status() + " " + answer.body());
        }
        return Outcome.valueOf(answer.body().get("status").asString());
    }
}
