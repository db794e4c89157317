package till.ledger.customer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import till.ledger.LedgerIntegrationTest;
import till.testsupport.TestCredentials;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Who may call ledger-service (docs/SPEC.md, Security): a cashier reads customers and their entries; only an admin
 * creates customers, raises credit limits and records payments; nobody anonymous does anything but read health.
 * Refusals are problem+json and change nothing.
 */
class OnlyAdminsChangeCreditIT extends LedgerIntegrationTest {

    @Value("${local.server.port}")
    int port;

    @Autowired
    JsonMapper mapper;

    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        http.close();
    }

    @Test
    void aCashierReadsACustomerButCannotRaiseTheCreditLimitOrRecordAPayment() {
        String id = "guarded-" + UUID.randomUUID();
        assertThat(send(
                                TestCredentials.admin(),
                                "PUT",
                                "/api/customers/" + id,
                                "{\"name\":\"Eve\",\"creditLimitMinor\":1000}")
                        .statusCode())
                .isEqualTo(201);
        ledger.charge(id, id + "-checkout", 400);

        assertThat(send(TestCredentials.cashier(), "GET", "/api/customers/" + id, null)
                        .statusCode())
                .isEqualTo(200);
        assertThat(send(TestCredentials.cashier(), "GET", "/api/customers/" + id + "/entries", null)
                        .statusCode())
                .isEqualTo(200);

        assertForbidden(send(
                TestCredentials.cashier(),
                "PUT",
                "/api/customers/" + id,
                "{\"name\":\"Eve\",\"creditLimitMinor\":1000000}"));
        assertForbidden(send(
                TestCredentials.cashier(),
                "POST",
                "/api/customers/" + id + "/payments",
                "{\"paymentId\":\"" + UUID.randomUUID() + "\",\"amountMinor\":400}"));
        assertForbidden(send(TestCredentials.cashier(), "GET", "/actuator/invariants", null));

        JsonNode customer = mapper.readTree(send(TestCredentials.admin(), "GET", "/api/customers/" + id, null)
                .body());
        assertThat(customer.get("creditLimitMinor").asLong()).isEqualTo(1000);
        assertThat(customer.get("balanceMinor").asLong()).isEqualTo(400);
    }

    @Test
    void anAnonymousCallerIsRefused401() {
        String id = "guarded-" + UUID.randomUUID();
        assertUnauthorized(send(null, "PUT", "/api/customers/" + id, "{\"name\":\"Mallory\",\"creditLimitMinor\":1}"));
        assertUnauthorized(send(null, "GET", "/api/customers/" + id, null));
        assertUnauthorized(send(TestCredentials.stranger(), "GET", "/api/customers/" + id, null));
        assertThat(customers.find(id)).isEmpty();
        assertThat(send(null, "GET", "/actuator/health", null).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> send(
            TestCredentials.@Nullable Account caller, String method, String path, @Nullable String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (caller != null) {
            caller.sign(request);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        }
    }

    private void assertForbidden(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = mapper.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(403);
        assertThat(problem.get("instance").asString()).isEqualTo(response.uri().getPath());
    }

    private void assertUnauthorized(HttpResponse<String> response) {
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(challenge -> assertThat(challenge).startsWith("Basic realm=\"till\""));
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(mapper.readTree(response.body()).get("status").asInt()).isEqualTo(401);
    }
}
