package till.contracts.inventory;

import till.contracts.Require;

/** Reply: the units are reserved at {@code unitPriceMinor} each; keyed by checkout id. */
public record StockReserved(String checkoutId, String productId, Integer quantity, Long unitPriceMinor) {

    public static final String TYPE = "till.inventory.StockReserved";

    public StockReserved {
        Require.text(checkoutId, "checkoutId");
        Require.text(productId, "productId");
        Require.positive(quantity, "quantity");
        Require.present(unitPriceMinor, "unitPriceMinor");
    }
}
