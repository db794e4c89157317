package till.contracts.ledger;

import till.contracts.Require;

/** Reply: the charge is reversed ({@code amountMinor} 0 when none had been posted and a marker was left); keyed by checkout id. */
public record ChargeReversed(String checkoutId, String customerId, Long amountMinor) {

    public static final String TYPE = "till.ledger.ChargeReversed";

    public ChargeReversed {
        Require.text(checkoutId, "checkoutId");
        Require.text(customerId, "customerId");
        Require.present(amountMinor, "amountMinor");
    }
}
