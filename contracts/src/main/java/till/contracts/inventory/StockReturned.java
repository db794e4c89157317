package till.contracts.inventory;

import till.contracts.Require;

/** Reply: refunded units are back on hand; keyed by checkout id. */
public record StockReturned(String refundId, String checkoutId, String productId, Integer quantity) {

    public static final String TYPE = "till.inventory.StockReturned";

    public StockReturned {
        Require.text(refundId, "refundId");
        Require.text(checkoutId, "checkoutId");
        Require.text(productId, "productId");
        Require.positive(quantity, "quantity");
    }
}
