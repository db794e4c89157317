package till.contracts.inventory;

import till.contracts.Require;

/** Reply: the reservation was refused ({@link StockRejectionReason}); keyed by checkout id. */
public record StockRejected(String checkoutId, String productId, StockRejectionReason reason) {

    public static final String TYPE = "till.inventory.StockRejected";

    public StockRejected {
        Require.text(checkoutId, "checkoutId");
        Require.text(productId, "productId");
        Require.present(reason, "reason");
    }
}
