package till.contracts.ledger;

import till.contracts.Require;

/** Charge a customer for a checkout, within the credit limit, once per checkout; keyed by customer id. */
public record PostCharge(String checkoutId, String customerId, Long amountMinor) {

    public static final String TYPE = "till.ledger.PostCharge";

    public PostCharge {
        Require.text(checkoutId, "checkoutId");
        Require.text(customerId, "customerId");
        Require.positive(amountMinor, "amountMinor");
    }
}
