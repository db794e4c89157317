package till.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import till.testsupport.TestCredentials;

/**
 * Who may call inventory-service (docs/SPEC.md, Security): a cashier reads products; only an admin changes prices
 * and stock or reads the actuator; nobody anonymous does anything but read health. Refusals are problem+json and
 * change nothing.
 */
class OnlyAdminsChangeProductsIT extends InventoryHarness {

    @Test
    void aCashierReadsAProductButCannotChangeItsPriceOrStock() {
        String productId = "guarded-" + UUID.randomUUID();
        String etag = createProduct(productId, 500, 10);

        Response read = httpAs(TestCredentials.cashier(), "GET", "/api/products/" + productId, null);
        assertThat(read.status()).isEqualTo(200);

        Response priceCut = httpAs(
                TestCredentials.cashier(),
                "PUT",
                "/api/products/" + productId,
                Map.of("name", "Cheap", "priceMinor", 1, "onHand", 10),
                "If-Match",
                etag);
        assertForbidden(priceCut, "/api/products/" + productId);

        Response moreStock = httpAs(
                TestCredentials.cashier(),
                "POST",
                "/api/products/" + productId + "/adjustments",
                Map.of("adjustmentId", UUID.randomUUID().toString(), "delta", 100, "reason", "found"));
        assertForbidden(moreStock, "/api/products/" + productId + "/adjustments");

        assertForbidden(httpAs(TestCredentials.cashier(), "GET", "/actuator/invariants", null), "/actuator/invariants");

        Row after = row(productId);
        assertThat(after.onHand()).isEqualTo(10);
        assertThat(jdbc.sql("SELECT price_minor FROM products WHERE product_id = ?")
                        .param(productId)
                        .query(Long.class)
                        .single())
                .isEqualTo(500);
    }

    @Test
    void anAnonymousCallerIsRefused401EvenToRead() {
        String productId = "guarded-" + UUID.randomUUID();
        createProduct(productId, 500, 10);

        assertUnauthorized(httpAs(null, "GET", "/api/products/" + productId, null));
        assertUnauthorized(httpAs(
                null, "PUT", "/api/products/" + productId, Map.of("name", "Free", "priceMinor", 0, "onHand", 999)));
        assertUnauthorized(httpAs(TestCredentials.stranger(), "GET", "/api/products/" + productId, null));
        assertThat(row(productId).onHand()).isEqualTo(10);

        assertThat(httpAs(null, "GET", "/actuator/health", null).status()).isEqualTo(200);
    }

    private static void assertForbidden(Response response, String path) {
        assertThat(response.status()).as(path).isEqualTo(403);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.body()).isNotNull();
        assertThat(response.body().get("status").asInt()).isEqualTo(403);
        assertThat(response.body().get("instance").asString()).isEqualTo(path);
    }

    private static void assertUnauthorized(Response response) {
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).startsWith("Basic realm=\"till\"");
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.body()).isNotNull();
        assertThat(response.body().get("title").asString()).isEqualTo("Unauthorized");
    }
}
