package till.contracts.ledger;

import till.contracts.Require;

/** Reply: the charge is on the ledger; keyed by checkout id. */
public record ChargePosted(String checkoutId, String customerId, Long amountMinor, Long balanceAfterMinor) {

    public static final String TYPE = "till.ledger.ChargePosted";

    public ChargePosted {
        Require.text(checkoutId, "checkoutId");
        Require.text(customerId, "customerId");
        Require.positive(amountMinor, "amountMinor");
        Require.present(balanceAfterMinor, "balanceAfterMinor");
    }
}
