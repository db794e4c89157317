package till.inventory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import till.testsupport.HostileRequests;
import till.testsupport.HostileRequests.Endpoint;
import till.testsupport.TestCredentials;

/** Every product endpoint, thousands of random and mutated requests: refused with problem+json, never a 5xx. */
class HostileRequestsAreRefusedNeverFailedIT extends InventoryHarness {

    @Test
    void noRequestGetsAServerError() {
        createProduct("fuzz-known", 100, 5);
        List<Endpoint> endpoints = List.of(
                new Endpoint("GET", "/api/products/{id}", null, Map.of()),
                new Endpoint(
                        "PUT", "/api/products/{id}", "{\"name\":\"Fuzz\",\"priceMinor\":100,\"onHand\":5}", Map.of()),
                new Endpoint(
                        "PUT",
                        "/api/products/fuzz-known",
                        "{\"name\":\"Fuzz\",\"priceMinor\":100,\"onHand\":5}",
                        Map.of("If-Match", "\"0\"")),
                new Endpoint(
                        "POST",
                        "/api/products/{id}/adjustments",
                        "{\"adjustmentId\":\"fuzz-adjustment\",\"delta\":1,\"reason\":\"fuzz\"}",
                        Map.of()),
                new Endpoint(
                        "POST",
                        "/api/products/fuzz-known/adjustments",
                        "{\"adjustmentId\":\"fuzz-adjustment\",\"delta\":-1,\"reason\":\"fuzz\"}",
                        Map.of()));

        new HostileRequests("http://127.0.0.1:" + port, TestCredentials.admin())
                .neverFail(endpoints, 2000, Duration.ofSeconds(60));
    }
}
