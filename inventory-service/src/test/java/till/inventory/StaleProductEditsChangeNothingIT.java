package till.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import till.contracts.inventory.ReserveStock;

/** Optimistic versions for people: an edit must name the version it was made on, and a stale one changes nothing. */
class StaleProductEditsChangeNothingIT extends InventoryHarness {

    @Test
    void aStaleEditIsRefusedAndTheProductStaysAsTheFirstEditorLeftIt() {
        String productId = "edit-" + UUID.randomUUID();
        String path = "/api/products/" + productId;
        String opened = createProduct(productId, 1_000, 10);
        assertThat(opened).isEqualTo("\"1\"");

        Response first = http(
                "PUT", path, Map.of("name", "First editor", "priceMinor", 1_200, "onHand", 15), "If-Match", opened);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("ETag")).isEqualTo("\"2\"");

        Response second =
                http("PUT", path, Map.of("name", "Second editor", "priceMinor", 900, "onHand", 3), "If-Match", opened);
        assertThat(second.status()).isEqualTo(412);
        assertThat(second.header("Content-Type")).startsWith("application/problem+json");

        Response withoutIfMatch = http("PUT", path, Map.of("name", "Third editor", "priceMinor", 1, "onHand", 1));
        assertThat(withoutIfMatch.status()).isEqualTo(428);
        assertThat(withoutIfMatch.header("Content-Type")).startsWith("application/problem+json");

        Response now = http("GET", path, null);
        assertThat(now.status()).isEqualTo(200);
        assertThat(now.header("ETag")).isEqualTo("\"2\"");
        assertThat(now.body().get("name").asString()).isEqualTo("First editor");
        assertThat(now.body().get("priceMinor").asLong()).isEqualTo(1_200);
        assertThat(now.body().get("onHand").asLong()).isEqualTo(15);
        assertThat(now.body().get("reserved").asLong()).isZero();
        assertThat(now.body().get("available").asLong()).isEqualTo(15);
        assertThat(now.body().get("version").asLong()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT coalesce(sum(delta), 0) FROM adjustments WHERE product_id = ?")
                        .param(productId)
                        .query(Long.class)
                        .single())
                .as("initial stock and the first editor's change, recorded as adjustments")
                .isEqualTo(15);
        assertSound();
    }

    @Test
    void aSaleMakesAFormOpenedBeforeItStaleAndEditsCannotGoBelowReserved() {
        String productId = "sold-" + UUID.randomUUID();
        String path = "/api/products/" + productId;
        String opened = createProduct(productId, 500, 5);
        // 2 held by a reservation an inventory from before ADR 17 made; then a sale of 2, which takes them at once.
        holdAsBefore("held-" + UUID.randomUUID(), productId, 2);
        send(command(ReserveStock.TYPE, productId, new ReserveStock("checkout-" + UUID.randomUUID(), productId, 2)));
        await().atMost(PATIENCE).until(() -> row(productId).onHand() == 3);

        Response stale = http("PUT", path, Map.of("name", "x", "priceMinor", 500, "onHand", 5), "If-Match", opened);
        assertThat(stale.status()).isEqualTo(412);

        String current = http("GET", path, null).header("ETag");
        Response belowReserved =
                http("PUT", path, Map.of("name", "x", "priceMinor", 500, "onHand", 1), "If-Match", current);
        assertThat(belowReserved.status()).isEqualTo(409);

        Response adjustment = http(
                "POST",
                path + "/adjustments",
                Map.of("adjustmentId", "breakage-" + productId, "delta", -2, "reason", "breakage"));
        assertThat(adjustment.status()).isEqualTo(409);
        Response belowZero = http(
                "POST",
                path + "/adjustments",
                Map.of("adjustmentId", "loss-" + productId, "delta", -4, "reason", "loss"));
        assertThat(belowZero.status()).isEqualTo(409);
        assertThat(row(productId)).isEqualTo(new Row(3, 2, 3));
        assertSound();
    }

    @Test
    void adjustmentsApplyOncePerId() {
        String productId = "adjust-" + UUID.randomUUID();
        String path = "/api/products/" + productId;
        createProduct(productId, 500, 5);
        Map<String, Object> delivery =
                Map.of("adjustmentId", "delivery-" + productId, "delta", 7, "reason", "delivery");

        Response applied = http("POST", path + "/adjustments", delivery);
        assertThat(applied.status()).isEqualTo(201);
        assertThat(applied.body().get("onHand").asLong()).isEqualTo(12);
        Response again = http("POST", path + "/adjustments", delivery);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("onHand").asLong()).isEqualTo(12);

        Response reused = http(
                "POST",
                path + "/adjustments",
                Map.of("adjustmentId", "delivery-" + productId, "delta", 8, "reason", "delivery"));
        assertThat(reused.status()).isEqualTo(409);
        assertThat(row(productId)).isEqualTo(new Row(12, 0, 2));
        assertSound();
    }

    @Test
    void badRequestsAreAnsweredWithProblemsNamingTheField() {
        String productId = "bad-" + UUID.randomUUID();
        String path = "/api/products/" + productId;

        Response negativePrice = http("PUT", path, Map.of("name", "x", "priceMinor", -1, "onHand", 1));
        assertThat(negativePrice.status()).isEqualTo(400);
        assertThat(negativePrice.body().get("errors").get(0).get("field").asString())
                .isEqualTo("priceMinor");

        Response negativeStock = http("PUT", path, Map.of("name", "x", "priceMinor", 1, "onHand", -5));
        assertThat(negativeStock.status()).isEqualTo(400);
        assertThat(negativeStock.body().get("errors").get(0).get("field").asString())
                .isEqualTo("onHand");

        Response noName = http("PUT", path, Map.of("priceMinor", 1, "onHand", 1));
        assertThat(noName.status()).isEqualTo(400);
        assertThat(noName.body().get("errors").get(0).get("field").asString()).isEqualTo("name");

        Response missing = http("GET", path, null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("Content-Type")).startsWith("application/problem+json");

        Response zeroDelta =
                http("POST", path + "/adjustments", Map.of("adjustmentId", "zero", "delta", 0, "reason", "nothing"));
        assertThat(zeroDelta.status()).isEqualTo(400);
        assertThat(zeroDelta.body().get("errors").get(0).get("field").asString())
                .isEqualTo("delta");
        assertThat(jdbc.sql("SELECT count(*) FROM products WHERE product_id = ?")
                        .param(productId)
                        .query(Long.class)
                        .single())
                .isZero();
    }

    private void assertSound() {
        var report = invariants();
        assertThat(report.get("sound").asBoolean()).as(report.toString()).isTrue();
    }
}
