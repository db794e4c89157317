package till.infra.bench;

import java.util.List;
import java.util.Map;
import till.infra.demo.Callers;
import till.infra.demo.TillClient;

/** The synchronous checkout: one {@code POST /api/sales}, and the answer is the outcome. */
record SyncCheckouts(Callers callers, String url, Cpu.Processes processes) implements CheckoutSystem {

    @Override
    public String name() {
        return "sync";
    }

    @Override
    public Catalogue catalogue() {
        return new Catalogue(callers.admin(), url + "/api/products", url + "/api/customers");
    }

    @Override
    public Outcome checkout(String idempotencyKey, String customerId, List<Line> lines) {
        TillClient.Response answer = callers.cashier()
                .post(
                        url + "/api/sales",
                        Map.of("customerId", customerId, "lines", lines),
                        Map.of("Idempotency-Key", idempotencyKey));
        if (answer.status() != 200 && answer.status() != 409) {
            throw new IllegalStateException("POST /api/sales: HTTP " + answer.status() + " " + answer.body());
        }
        return Outcome.valueOf(answer.body().get("status").asString());
    }
}
