package till.contracts.checkout;

import till.contracts.Require;

/** Fact: a checkout is confirmed, stock committed and the customer charged; keyed by checkout id. */
public record CheckoutConfirmed(String checkoutId, String customerId, Long totalMinor) {

    public static final String TYPE = "till.checkout.CheckoutConfirmed";

    public CheckoutConfirmed {
        Require.text(checkoutId, "checkoutId");
        Require.text(customerId, "customerId");
        Require.present(totalMinor, "totalMinor");
    }
}
