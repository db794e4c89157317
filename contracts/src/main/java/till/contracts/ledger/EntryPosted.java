package till.contracts.ledger;

import till.contracts.Require;

/** Fact for other teams: an entry was appended to a customer's ledger; keyed by customer id. */
public record EntryPosted(String customerId, String kind, Long amountMinor, Long balanceAfterMinor, String reference) {

    public static final String TYPE = "till.ledger.EntryPosted";

    public EntryPosted {
        Require.text(customerId, "customerId");
        Require.text(kind, "kind");
        Require.present(amountMinor, "amountMinor");
        Require.present(balanceAfterMinor, "balanceAfterMinor");
        Require.text(reference, "reference");
    }
}
