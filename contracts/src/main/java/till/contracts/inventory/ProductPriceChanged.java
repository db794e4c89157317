package till.contracts.inventory;

import till.contracts.Require;

/**
 * Fact: a product's unit price is now {@code priceMinor}, as of the product's {@code version}; keyed by product id.
 * Published when a product is created and whenever an edit changes its price. A product's versions only grow, so a
 * reader that keeps the price of the highest version it has seen holds the latest price it was told (checkout-service
 * quotes from such a copy, ADR 10).
 */
public record ProductPriceChanged(String productId, Long priceMinor, Long version) {

    public static final String TYPE = "till.inventory.ProductPriceChanged";

    public ProductPriceChanged {
        Require.text(productId, "productId");
        Require.notNegative(priceMinor, "priceMinor");
        Require.positive(version, "version");
    }
}
