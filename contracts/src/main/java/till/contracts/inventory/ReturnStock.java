package till.contracts.inventory;

import till.contracts.Require;

/** Put refunded units back on hand, once per refund id; keyed by product id. */
public record ReturnStock(String refundId, String checkoutId, String productId, Integer quantity) {

    public static final String TYPE = "till.inventory.ReturnStock";

    public ReturnStock {
        Require.text(refundId, "refundId");
        Require.text(checkoutId, "checkoutId");
        Require.text(productId, "productId");
        Require.positive(quantity, "quantity");
    }
}
