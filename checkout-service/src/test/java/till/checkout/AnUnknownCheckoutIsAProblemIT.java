package till.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A checkout id that names no checkout is 404 problem+json wherever it appears (docs/SPEC.md, Limits): read, read
 * while waiting for its outcome, its timeline, and a refund of it, so a till reads every refusal the same way.
 */
class AnUnknownCheckoutIsAProblemIT extends CheckoutHarness {

    @Test
    void everyRequestForAnUnknownCheckoutIsANotFoundProblem() {
        String unknown = UUID.randomUUID().toString();
        List<Response> answers = List.of(
                get("/api/checkouts/" + unknown),
                get("/api/checkouts/" + unknown, Map.of("Prefer", "wait=1")),
                get("/api/checkouts/" + unknown + "/timeline"),
                post(
                        "/api/checkouts/" + unknown + "/refunds",
                        Map.of("lines", List.of(Map.of("productId", "p-unknown", "quantity", 1))),
                        UUID.randomUUID().toString()));

        for (Response answer : answers) {
            assertThat(answer.status()).as(answer.raw().uri().toString()).isEqualTo(404);
            assertThat(answer.raw().headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(answer.body().path("status").asInt()).isEqualTo(404);
            assertThat(answer.body().path("detail").asString()).contains(unknown);
        }
    }
}
