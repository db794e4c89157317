package till.ledger.posting;

/** The credit rule, free of any framework so it can be tested on its own. */
public final class CreditLimit {

    private CreditLimit() {}

    /** True when a charge of {@code amountMinor} keeps the balance at or below the limit. */
    public static boolean allows(long balanceMinor, long amountMinor, long creditLimitMinor) {
        if (amountMinor <= 0) {
            throw new IllegalArgumentException("a charge is positive, was " + amountMinor);
        }
        return Math.addExact(balanceMinor, amountMinor) <= creditLimitMinor;
    }
}
