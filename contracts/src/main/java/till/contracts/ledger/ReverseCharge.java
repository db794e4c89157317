package till.contracts.ledger;

import till.contracts.Require;

/** Reverse a checkout's charge; before its charge it leaves a marker that refuses it; keyed by customer id. */
public record ReverseCharge(String checkoutId, String customerId) {

    public static final String TYPE = "till.ledger.ReverseCharge";

    public ReverseCharge {
        Require.text(checkoutId, "checkoutId");
        Require.text(customerId, "customerId");
    }
}
