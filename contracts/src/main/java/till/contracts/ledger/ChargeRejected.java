package till.contracts.ledger;

import till.contracts.Require;

/** Reply: the charge was refused ({@link ChargeRejectionReason}); nothing was appended; keyed by checkout id. */
public record ChargeRejected(String checkoutId, String customerId, ChargeRejectionReason reason) {

    public static final String TYPE = "till.ledger.ChargeRejected";

    public ChargeRejected {
        Require.text(checkoutId, "checkoutId");
        Require.text(customerId, "customerId");
        Require.present(reason, "reason");
    }
}
