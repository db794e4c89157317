package till.infra.bench;

import java.util.Map;
import till.infra.demo.TillClient;

/** Where a system keeps its products and customers: both systems take the same {@code PUT}s to seed them. */
record Catalogue(TillClient http, String productsUrl, String customersUrl) {

    void putProduct(String productId, long priceMinor, long onHand) {
        require(http.put(
                productsUrl + "/" + productId,
                Map.of("name", "Bench " + productId, "priceMinor", priceMinor, "onHand", onHand),
                Map.of()));
    }

    void putCustomer(String customerId, long creditLimitMinor) {
        require(http.put(
                customersUrl + "/" + customerId,
                Map.of("name", "Bench " + customerId, "creditLimitMinor", creditLimitMinor),
                Map.of()));
    }

    private static void require(TillClient.Response response) {
        if (response.status() / 100 != 2) {
            throw new IllegalStateException(
                    "PUT " + response.raw().uri() + ": HTTP " + response.status() + " " + response.body());
        }
    }
}
