package till.checkout.saga;

import org.jspecify.annotations.Nullable;

/**
 * One line of a checkout: a product, how many, its unit price and its state. The price is the one quoted when the
 * checkout started (ADR 10), or, without a quote, the one inventory reserved it at; a RESERVED line's price is the
 * price inventory reserved it at either way, since inventory reserves a quoted line only at its quote.
 */
public record CheckoutLine(
        int lineNo,
        String productId,
        int quantity,
        @Nullable Long unitPriceMinor,
        LineState state) {

    CheckoutLine with(LineState next) {
        return new CheckoutLine(lineNo, productId, quantity, unitPriceMinor, next);
    }

    /** The line's unit price, which a line that was neither quoted nor reserved does not have. */
    public long reservedPriceMinor() {
        if (unitPriceMinor == null) {
            throw new IllegalStateException(
                    "line " + lineNo + " (" + productId + ") was neither quoted nor reserved: no price");
        }
        return unitPriceMinor;
    }

    CheckoutLine unquoted() {
        return new CheckoutLine(lineNo, productId, quantity, null, state);
    }

    CheckoutLine reservedAt(long price) {
        return new CheckoutLine(lineNo, productId, quantity, price, LineState.RESERVED);
    }
}
