package till.contracts.ledger;

import till.contracts.Require;

/** Reply: the refund is credited; keyed by checkout id. */
public record RefundPosted(String refundId, String checkoutId, String customerId, Long amountMinor) {

    public static final String TYPE = "till.ledger.RefundPosted";

    public RefundPosted {
        Require.text(refundId, "refundId");
        Require.text(checkoutId, "checkoutId");
        Require.text(customerId, "customerId");
        Require.positive(amountMinor, "amountMinor");
    }
}
