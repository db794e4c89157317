package till.checkout.saga;

import org.jspecify.annotations.Nullable;

/** One line of a checkout: a product, how many, the price inventory reserved it at, and its state. */
public record CheckoutLine(
        int lineNo,
        String productId,
        int quantity,
        @Nullable Long unitPriceMinor,
        LineState state) {

    CheckoutLine with(LineState next) {
        return new CheckoutLine(lineNo, productId, quantity, unitPriceMinor, next);
    }

    /** The unit price inventory reserved the line at; a line that was never reserved has none. */
    public long reservedPriceMinor() {
        if (unitPriceMinor == null) {
            throw new IllegalStateException("line " + lineNo + " (" + productId + ") was never reserved: no price");
        }
        return unitPriceMinor;
    }

    CheckoutLine reservedAt(long price) {
        return new CheckoutLine(lineNo, productId, quantity, price, LineState.RESERVED);
    }
}
