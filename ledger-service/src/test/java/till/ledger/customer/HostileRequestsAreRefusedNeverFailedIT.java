package till.ledger.customer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import till.ledger.LedgerIntegrationTest;
import till.testsupport.HostileRequests;
import till.testsupport.HostileRequests.Endpoint;
import till.testsupport.TestCredentials;

/** Every customer endpoint, thousands of random and mutated requests: refused with problem+json, never a 5xx. */
class HostileRequestsAreRefusedNeverFailedIT extends LedgerIntegrationTest {

    @Value("${local.server.port}")
    int port;

    @Test
    void noRequestGetsAServerError() {
        List<Endpoint> endpoints = List.of(
                new Endpoint("GET", "/api/customers/{id}", null, Map.of()),
                new Endpoint("GET", "/api/customers/{id}/entries?page=0&size=50", null, Map.of()),
                new Endpoint("PUT", "/api/customers/{id}", "{\"name\":\"Fuzz\",\"creditLimitMinor\":1000}", Map.of()),
                new Endpoint(
                        "PUT", "/api/customers/fuzz-known", "{\"name\":\"Fuzz\",\"creditLimitMinor\":1000}", Map.of()),
                new Endpoint(
                        "POST",
                        "/api/customers/fuzz-known/payments",
                        "{\"paymentId\":\"fuzz-payment\",\"amountMinor\":10}",
                        Map.of()),
                new Endpoint(
                        "POST",
                        "/api/customers/{id}/payments",
                        "{\"paymentId\":\"fuzz-payment\",\"amountMinor\":10}",
                        Map.of()));

        new HostileRequests("http://127.0.0.1:" + port, TestCredentials.admin())
                .neverFail(endpoints, 2000, Duration.ofSeconds(60));
    }

    @Test
    void aBodyOverTheLimitIsRefusedUnreadWhetherItsLengthIsSaidOrNot() throws Exception {
        String id = "fuzz-large-" + UUID.randomUUID();
        String large = "{\"name\":\"" + "x".repeat(70 * 1024) + "\",\"creditLimitMinor\":1000}";
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> said = http.send(
                    put(id).PUT(HttpRequest.BodyPublishers.ofString(large)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(said.statusCode()).isEqualTo(413);
            assertThat(said.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));

            // No Content-Length: chunked, so the limit is met while reading.
            HttpResponse<String> chunked = http.send(
                    put(id).PUT(HttpRequest.BodyPublishers.ofInputStream(
                                    () -> new ByteArrayInputStream(large.getBytes(StandardCharsets.UTF_8))))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(chunked.statusCode()).isEqualTo(400);
            assertThat(chunked.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        }
        assertThat(customers.find(id)).isEmpty();
    }

    private HttpRequest.Builder put(String id) {
        return TestCredentials.admin()
                .sign(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/customers/" + id)))
                .header("Content-Type", "application/json");
    }
}
