package till.checkout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import till.testsupport.ApiDocs;
import tools.jackson.databind.JsonNode;

/** The OpenAPI 3 description at {@code /v3/api-docs} has the SPEC's checkout paths, errors as problem+json. */
class ApiDescriptionIT extends CheckoutHarness {

    @Test
    void describesTheSpecsPaths() {
        JsonNode docs = ApiDocs.assertDescribes(
                "http://127.0.0.1:" + port,
                Map.of(
                        "/api/checkouts", Set.of("post"),
                        "/api/checkouts/{checkoutId}", Set.of("get"),
                        "/api/checkouts/{checkoutId}/refunds", Set.of("post")));
        JsonNode start = docs.get("paths").get("/api/checkouts").get("post");
        assertThat(start.path("parameters").findValuesAsString("name")).contains("Idempotency-Key");
    }
}
