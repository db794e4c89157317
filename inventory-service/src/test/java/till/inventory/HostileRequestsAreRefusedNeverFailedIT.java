package till.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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

    /** Found by the test above: the Location of a new product was built unencoded, a 500 after the product was made. */
    @Test
    void aNewProductWhoseIdIsNoLegalUriPathIsAnsweredWithItsLocationEncoded() throws Exception {
        String id = "fuzz >{odd}? " + UUID.randomUUID();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> created = http.send(
                    TestCredentials.admin()
                            .sign(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/products/"
                                    + URLEncoder.encode(id, StandardCharsets.UTF_8)
                                            .replace("+", "%20"))))
                            .header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString(
                                    "{\"name\":\"Odd\",\"priceMinor\":1,\"onHand\":1}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String location = created.headers().firstValue("Location").orElseThrow();
            assertThat(URLDecoder.decode(location.replace("+", "%2B"), StandardCharsets.UTF_8))
                    .endsWith("/api/products/" + id);
        }
    }
}
