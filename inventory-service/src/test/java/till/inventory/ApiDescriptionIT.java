package till.inventory;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import till.testsupport.ApiDocs;

/** The OpenAPI 3 description at {@code /v3/api-docs} has the SPEC's inventory paths, errors as problem+json. */
class ApiDescriptionIT extends InventoryHarness {

    @Test
    void describesTheSpecsPaths() {
        ApiDocs.assertDescribes(
                "http://localhost:" + port,
                Map.of(
                        "/api/products/{productId}", Set.of("get", "put"),
                        "/api/products/{productId}/adjustments", Set.of("post")));
    }
}
