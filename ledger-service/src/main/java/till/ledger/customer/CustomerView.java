package till.ledger.customer;

/** A customer as the API shows them: the balance is the last entry's balance_after (0 with no entries). */
public record CustomerView(String customerId, String name, long balanceMinor, long creditLimitMinor, long entryCount) {}
