package till.contracts.inventory;

import till.contracts.Require;

/** Change on hand by {@code delta} (a count, a delivery, breakage), once per adjustment id; keyed by product id. */
public record AdjustStock(String adjustmentId, String productId, Integer delta, String reason) {

    public static final String TYPE = "till.inventory.AdjustStock";

    public AdjustStock {
        Require.text(adjustmentId, "adjustmentId");
        Require.text(productId, "productId");
        Require.present(delta, "delta");
        Require.text(reason, "reason");
    }
}
