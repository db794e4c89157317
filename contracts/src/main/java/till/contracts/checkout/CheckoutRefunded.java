package till.contracts.checkout;

import till.contracts.Require;

/** Fact: part or all of a confirmed checkout was refunded: stock returned, customer credited; keyed by checkout id. */
public record CheckoutRefunded(String checkoutId, String refundId, String customerId, Long amountMinor) {

    public static final String TYPE = "till.checkout.CheckoutRefunded";

    public CheckoutRefunded {
        Require.text(checkoutId, "checkoutId");
        Require.text(refundId, "refundId");
        Require.text(customerId, "customerId");
        Require.positive(amountMinor, "amountMinor");
    }
}
