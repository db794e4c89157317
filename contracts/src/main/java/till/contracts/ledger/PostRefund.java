package till.contracts.ledger;

import till.contracts.Require;

/** Credit a customer for a refund, once per refund id; keyed by customer id. */
public record PostRefund(String refundId, String checkoutId, String customerId, Long amountMinor) {

    public static final String TYPE = "till.ledger.PostRefund";

    public PostRefund {
        Require.text(refundId, "refundId");
        Require.text(checkoutId, "checkoutId");
        Require.text(customerId, "customerId");
        Require.positive(amountMinor, "amountMinor");
    }
}
