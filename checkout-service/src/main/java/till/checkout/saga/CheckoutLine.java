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

    CheckoutLine reservedAt(long price) {
        return new CheckoutLine(lineNo, productId, quantity, price, LineState.RESERVED);
    }
}
