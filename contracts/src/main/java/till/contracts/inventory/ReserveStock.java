package till.contracts.inventory;

import till.contracts.Require;

/** Reserve {@code quantity} units of a product for a checkout; keyed by product id. */
public record ReserveStock(String checkoutId, String productId, Integer quantity) {

    public static final String TYPE = "till.inventory.ReserveStock";

    public ReserveStock {
        Require.text(checkoutId, "checkoutId");
        Require.text(productId, "productId");
        Require.positive(quantity, "quantity");
    }
}
