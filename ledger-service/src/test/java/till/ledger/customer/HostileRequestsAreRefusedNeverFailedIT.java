package till.ledger.customer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import till.ledger.LedgerIntegrationTest;
import till.testsupport.HostileRequests;
import till.testsupport.HostileRequests.Endpoint;
import till.testsupport.TestCredentials;

/** Every customer endpoint, hundreds of random and mutated requests each: refused with problem+json, never a 5xx. */
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

        assertThat(new HostileRequests("http://127.0.0.1:" + port, TestCredentials.admin()).broken(endpoints, 250))
                .isEmpty();
    }
}
