package till.platform;

/**
 * Every PostgreSQL advisory lock Till takes uses the two-int form {@code pg_advisory_xact_lock(space, key)}.
 * The first int names what is locked, so two kinds of lock can never collide however their keys hash; the
 * one-bigint form lives in a separate key space in PostgreSQL and Till does not use it. Register new spaces
 * here, in one place, so no two uses share a number.
 */
public final class AdvisoryLockSpace {

    /** One active outbox relay per service database; the key is always 0. */
    public static final int OUTBOX_RELAY = 0x7111_0001;

    /** Ledger postings for one customer; the key is {@code hashtext(customerId)}. */
    public static final int LEDGER_CUSTOMER = 0x7111_0002;

    private AdvisoryLockSpace() {}
}
