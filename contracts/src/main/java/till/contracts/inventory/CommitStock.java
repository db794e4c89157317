package till.contracts.inventory;

import till.contracts.Require;

/** Turn a checkout's reservation into a sale: on hand and reserved both drop; keyed by product id. */
public record CommitStock(String checkoutId, String productId) {

    public static final String TYPE = "till.inventory.CommitStock";

    public CommitStock {
        Require.text(checkoutId, "checkoutId");
        Require.text(productId, "productId");
    }
}
