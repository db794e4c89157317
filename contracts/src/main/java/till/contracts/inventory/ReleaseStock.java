package till.contracts.inventory;

import till.contracts.Require;

/** Give back a checkout's reservation; before its reservation it leaves a marker that refuses it; keyed by product id. */
public record ReleaseStock(String checkoutId, String productId) {

    public static final String TYPE = "till.inventory.ReleaseStock";

    public ReleaseStock {
        Require.text(checkoutId, "checkoutId");
        Require.text(productId, "productId");
    }
}
