package till.contracts.ledger;

import till.contracts.Require;

/** Record a customer's payment, lowering the balance, once per payment id; keyed by customer id. */
public record RecordPayment(String paymentId, String customerId, Long amountMinor) {

    public static final String TYPE = "till.ledger.RecordPayment";

    public RecordPayment {
        Require.text(paymentId, "paymentId");
        Require.text(customerId, "customerId");
        Require.positive(amountMinor, "amountMinor");
    }
}
