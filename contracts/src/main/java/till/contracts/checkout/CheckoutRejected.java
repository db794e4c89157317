package till.contracts.checkout;

import till.contracts.Require;

/** Fact: a checkout is rejected and everything it did is compensated; keyed by checkout id. */
public record CheckoutRejected(String checkoutId, String customerId, String reason) {

    public static final String TYPE = "till.checkout.CheckoutRejected";

    public CheckoutRejected {
        Require.text(checkoutId, "checkoutId");
        Require.text(customerId, "customerId");
        Require.text(reason, "reason");
    }
}
