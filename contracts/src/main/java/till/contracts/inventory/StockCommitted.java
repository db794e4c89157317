package till.contracts.inventory;

import till.contracts.Require;

/**
 * Reply: the reservation became a sale; keyed by checkout id. No longer sent: inventory answers a commit only when
 * it refuses it ({@link StockCommitRefused}; ADR 16). checkout-service still reads it, from an inventory that does.
 */
public record StockCommitted(String checkoutId, String productId, Integer quantity) {

    public static final String TYPE = "till.inventory.StockCommitted";

    public StockCommitted {
        Require.text(checkoutId, "checkoutId");
        Require.text(productId, "productId");
        Require.positive(quantity, "quantity");
    }
}
