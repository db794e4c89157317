package till.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.Filter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.ObservationFilterChainDecorator;
import org.springframework.test.util.ReflectionTestUtils;
import till.testsupport.TestCredentials;

/**
 * Who may call checkout-service (docs/SPEC.md, Security): a cashier sells, refunds and reads; nobody anonymous
 * does anything but read health; the actuator's other endpoints are the admin's. Refusals are problem+json.
 */
class CashiersSellOnlyAdminsReadTheActuatorIT extends CheckoutHarness {

    private static final Map<String, Object> SALE =
            Map.of("customerId", "carol", "lines", List.of(Map.of("productId", "tea", "quantity", 1)));

    @Test
    void anAnonymousSaleIsRefused401AndStartsNothing() {
        String key = UUID.randomUUID().toString();
        Response refused = post(null, "/api/checkouts", SALE, key, Map.of());

        assertUnauthorized(refused);
        assertThat(checkoutsWithKey(key)).isZero();
        assertThat(post("/api/checkouts", SALE, key).status())
                .as("the same sale as a cashier")
                .isEqualTo(202);
        assertThat(checkoutsWithKey(key)).isOne();
    }

    @Test
    void aWrongPasswordOrUnknownUserIs401() {
        TestCredentials.Account cashier = TestCredentials.cashier();
        assertUnauthorized(get(
                new TestCredentials.Account(cashier.user(), cashier.password() + "x"),
                "/api/checkouts/" + UUID.randomUUID(),
                Map.of()));
        assertUnauthorized(get(TestCredentials.stranger(), "/api/checkouts/" + UUID.randomUUID(), Map.of()));
        assertUnauthorized(get(null, "/actuator/invariants", Map.of()));
    }

    @Test
    void aCashierSellsRefundsAndReadsButIsRefusedTheActuator403() {
        String checkoutId = startCheckout("carol", Map.of("tea", 1));
        assertThat(get("/api/checkouts/" + checkoutId).status()).isEqualTo(200);
        assertThat(get("/api/checkouts/" + checkoutId + "/timeline").status()).isEqualTo(200);
        Response refund = post(
                "/api/checkouts/" + checkoutId + "/refunds",
                Map.of("lines", List.of(Map.of("productId", "tea", "quantity", 1))),
                UUID.randomUUID().toString());
        assertThat(refund.status())
                .as("a refund of a pending sale is the saga's to answer, not security's")
                .isNotIn(401, 403);

        for (String endpoint : List.of("/actuator/invariants", "/actuator/prometheus", "/actuator/metrics")) {
            Response refused = get(endpoint);
            assertThat(refused.status()).as(endpoint).isEqualTo(403);
            assertThat(refused.raw().headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(refused.body().get("status").asInt()).isEqualTo(403);
            assertThat(refused.body().get("instance").asString()).isEqualTo(endpoint);
        }
    }

    @Test
    void anAdminReadsTheActuatorAndHealthIsOpenToAll() {
        assertThat(get(TestCredentials.admin(), "/actuator/invariants", Map.of())
                        .status())
                .isEqualTo(200);
        assertThat(get(TestCredentials.admin(), "/actuator/metrics", Map.of()).status())
                .isEqualTo(200);
        assertThat(get(null, "/actuator/health", Map.of()).status()).isEqualTo(200);
        assertThat(get(null, "/actuator/health/liveness", Map.of()).status()).isEqualTo(200);
    }

    /**
     * Spring Security wraps each filter, the authentication and the authorization of every request in an
     * observation when it finds an ObservationRegistry, unless told not to (WebSecurity, ADR 5 round 6). The chain
     * is reached through its fields, as Spring builds it.
     */
    @Test
    void requestsDoNotPassThroughSpringSecuritysObservationWrappers(
            @Autowired @Qualifier("springSecurityFilterChain") Filter springSecurityFilterChain) {
        Object proxy = springSecurityFilterChain;
        if (proxy.getClass().getSimpleName().equals("CompositeFilterChainProxy")) {
            proxy = ReflectionTestUtils.getField(proxy, "springSecurityFilterChain");
        }
        assertThat(proxy).isInstanceOf(FilterChainProxy.class);
        assertThat(ReflectionTestUtils.getField(proxy, "filterChainDecorator"))
                .isNotInstanceOf(ObservationFilterChainDecorator.class);
    }

    private long checkoutsWithKey(String key) {
        return jdbc.sql("SELECT count(*) FROM checkouts WHERE idempotency_key = ?")
                .param(key)
                .query(Long.class)
                .single();
    }

    private static void assertUnauthorized(Response response) {
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.raw().headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(challenge -> assertThat(challenge).startsWith("Basic realm=\"till\""));
        assertThat(response.raw().headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(response.body().get("status").asInt()).isEqualTo(401);
        assertThat(response.body().get("title").asString()).isEqualTo("Unauthorized");
    }
}
