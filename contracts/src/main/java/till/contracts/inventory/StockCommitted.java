package till.contracts.inventory;

import till.contracts.Require;

/** Reply: the reservation became a sale; keyed by checkout id. */
public record StockCommitted(String checkoutId, String productId, Integer quantity) {

    public static final String TYPE = "till.inventory.StockCommitted";

    public StockCommitted {
        Require.text(checkoutId, "checkoutId");
        Require.text(productId, "productId");
        Require.positive(quantity, "quantity");
    }
}
