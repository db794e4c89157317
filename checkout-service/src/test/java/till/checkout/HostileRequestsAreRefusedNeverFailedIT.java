package till.checkout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import till.testsupport.HostileRequests;
import till.testsupport.HostileRequests.Endpoint;
import till.testsupport.TestCredentials;

/** Every checkout endpoint, thousands of random and mutated requests: refused with problem+json, never a 5xx. */
class HostileRequestsAreRefusedNeverFailedIT extends CheckoutHarness {

    private static final String SALE = "{\"customerId\":\"fuzz-customer\",\"lines\":[{\"productId\":\"fuzz-product\","
            + "\"quantity\":1},{\"productId\":\"fuzz-other\",\"quantity\":2}]}";

    @Test
    void noRequestGetsAServerError() {
        List<Endpoint> endpoints = List.of(
                new Endpoint("POST", "/api/checkouts", SALE, Map.of("Idempotency-Key", "fuzz-sale")),
                new Endpoint(
                        "POST",
                        "/api/checkouts/{id}/refunds",
                        "{\"lines\":[{\"productId\":\"fuzz-product\",\"quantity\":1}]}",
                        Map.of("Idempotency-Key", "fuzz-refund")),
                new Endpoint("GET", "/api/checkouts/{id}", null, Map.of("Prefer", "wait=0")),
                new Endpoint("GET", "/api/checkouts/{id}/timeline", null, Map.of()));

        new HostileRequests("http://127.0.0.1:" + port, TestCredentials.cashier())
                .neverFail(endpoints, 2000, Duration.ofSeconds(60));
    }
}
