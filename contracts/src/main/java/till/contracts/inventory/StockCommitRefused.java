package till.contracts.inventory;

import till.contracts.Require;

/** Reply: a commit found no live reservation (released, or never made); nothing changed; keyed by checkout id. */
public record StockCommitRefused(String checkoutId, String productId, String reason) {

    public static final String TYPE = "till.inventory.StockCommitRefused";

    public StockCommitRefused {
        Require.text(checkoutId, "checkoutId");
        Require.text(productId, "productId");
        Require.text(reason, "reason");
    }
}
