package till.contracts.inventory;

import till.contracts.Require;

/** Reply: the reservation is released ({@code quantity} 0 when there was none and a marker was left); keyed by checkout id. */
public record StockReleased(String checkoutId, String productId, Integer quantity) {

    public static final String TYPE = "till.inventory.StockReleased";

    public StockReleased {
        Require.text(checkoutId, "checkoutId");
        Require.text(productId, "productId");
        Require.present(quantity, "quantity");
    }
}
