package till.contracts.inventory;

import org.jspecify.annotations.Nullable;
import till.contracts.Require;

/**
 * Reserve {@code quantity} units of a product for a checkout; keyed by product id. With {@code quotedUnitPriceMinor}
 * (ADR 10) the checkout was already charged at that unit price: inventory reserves only at that price and refuses
 * the reservation {@link StockRejectionReason#PRICE_CHANGED} otherwise. Without it (a command sent before ADR 10,
 * by hand, or by a checkout that had no price to quote) it reserves at the product's price, whatever it is.
 */
public record ReserveStock(
        String checkoutId,
        String productId,
        Integer quantity,
        @Nullable Long quotedUnitPriceMinor) {

    public static final String TYPE = "till.inventory.ReserveStock";

    public ReserveStock {
        Require.text(checkoutId, "checkoutId");
        Require.text(productId, "productId");
        Require.positive(quantity, "quantity");
        Require.notNegativeIfPresent(quotedUnitPriceMinor, "quotedUnitPriceMinor");
    }

    /** A reservation at whatever the product's price is: no quote. */
    public ReserveStock(String checkoutId, String productId, Integer quantity) {
        this(checkoutId, productId, quantity, null);
    }
}
