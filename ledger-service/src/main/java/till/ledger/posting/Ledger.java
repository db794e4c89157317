package till.ledger.posting;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import till.contracts.ledger.ChargeRejectionReason;
import till.contracts.ledger.EntryPosted;
import till.ledger.posting.PostingResult.AlreadyPosted;
import till.ledger.posting.PostingResult.Appended;
import till.ledger.posting.PostingResult.Refused;
import till.ledger.posting.PostingResult.ReversedBeforeCharge;
import till.platform.kafka.Topics;
import till.platform.outbox.Outbox;

/**
 * The one way onto a customer's ledger. Every posting, from Kafka or REST, runs in a transaction that first
 * takes the customer's lock ({@link AdvisoryCustomerLock}), then checks its business key, reads the last
 * balance, checks the credit limit (charges only) and appends with {@code balance_after = last + amount}. A charge,
 * the posting every checkout makes, does its reads in one query.
 * Under the lock read-check-append cannot interleave for one customer; other customers never wait.
 * The {@code EntryPosted} fact is written to the outbox in the same transaction.
 */
@Component
public class Ledger {

    private static final Logger log = LoggerFactory.getLogger(Ledger.class);

    private final JdbcClient jdbc;
    private final CustomerLock customerLock;
    private final Outbox outbox;

    @Autowired
    Ledger(JdbcClient jdbc, AdvisoryCustomerLock customerLock, Outbox outbox) {
        this(jdbc, (CustomerLock) customerLock, outbox);
    }

    /** For tests that need to show what happens without the lock. */
    Ledger(JdbcClient jdbc, CustomerLock customerLock, Outbox outbox) {
        this.jdbc = jdbc;
        this.customerLock = customerLock;
        this.outbox = outbox;
    }

    /** Charges a checkout once, within the credit limit, unless its reversal came first. */
    @Transactional
    public PostingResult charge(String customerId, String checkoutId, long amountMinor) {
        customerLock.lockForRestOfTransaction(customerId);
        Optional<ChargeContext> found = chargeContext(customerId, checkoutId);
        if (found.isEmpty()) {
            return new Refused(ChargeRejectionReason.UNKNOWN_CUSTOMER);
        }
        ChargeContext context = found.get();
        Optional<Entry> sale = ofCustomer(context.sale(), EntryKind.SALE, checkoutId, customerId);
        if (sale.isPresent()) {
            return new AlreadyPosted(sale.get());
        }
        if (context.reversed()) {
            return new Refused(ChargeRejectionReason.ALREADY_REVERSED);
        }
        return append(customerId, EntryKind.SALE, checkoutId, amountMinor, context.creditLimit(), context.balance());
    }

    /**
     * What a charge needs to know before it appends, read in one query under the customer's lock: the customer's
     * credit limit, the checkout's sale if it is posted already (to any customer), whether its reversal came first,
     * and the customer's last balance.
     */
    private record ChargeContext(long creditLimit, Optional<Entry> sale, boolean reversed, long balance) {}

    /** Empty if there is no such customer. */
    private Optional<ChargeContext> chargeContext(String customerId, String checkoutId) {
        return jdbc.sql("""
                        SELECT c.credit_limit_minor,
                               s.entry_id, s.customer_id, s.kind, s.amount_minor, s.balance_after_minor, s.reference,
                               s.created_at,
                               EXISTS (SELECT 1 FROM reversal_markers WHERE checkout_id = :checkoutId)
                                   OR EXISTS (SELECT 1 FROM entries
                                              WHERE kind = 'SALE_REVERSAL' AND reference = :checkoutId) AS reversed,
                               coalesce((SELECT balance_after_minor FROM entries
                                         WHERE customer_id = :customerId
                                         ORDER BY entry_id DESC
                                         LIMIT 1), 0) AS balance
                        FROM customers c
                        LEFT JOIN entries s ON s.kind = 'SALE' AND s.reference = :checkoutId
                        WHERE c.customer_id = :customerId
                        """)
                .param("customerId", customerId)
                .param("checkoutId", checkoutId)
                .query((rs, row) -> new ChargeContext(
                        rs.getLong("credit_limit_minor"),
                        rs.getObject("entry_id") == null ? Optional.empty() : Optional.of(entry(rs, row)),
                        rs.getBoolean("reversed"),
                        rs.getLong("balance")))
                .optional();
    }

    /** Takes a checkout's charge back once; before the charge, leaves a marker that will refuse it. */
    @Transactional
    public PostingResult reverse(String customerId, String checkoutId) {
        customerLock.lockForRestOfTransaction(customerId);
        Optional<Entry> reversal = find(EntryKind.SALE_REVERSAL, checkoutId, customerId);
        if (reversal.isPresent()) {
            return new AlreadyPosted(reversal.get());
        }
        Optional<Entry> sale = find(EntryKind.SALE, checkoutId, customerId);
        if (sale.isEmpty()) {
            jdbc.sql("""
                            INSERT INTO reversal_markers (checkout_id, customer_id) VALUES (:checkoutId, :customerId)
                            ON CONFLICT (checkout_id) DO NOTHING
                            """)
                    .param("checkoutId", checkoutId)
                    .param("customerId", customerId)
                    .update();
            log.info("reversal of checkout {} arrived before its charge; a late charge will be refused", checkoutId);
            return new ReversedBeforeCharge();
        }
        return append(
                customerId, EntryKind.SALE_REVERSAL, checkoutId, -sale.get().amountMinor(), null);
    }

    /** Credits a refund once per refund id. */
    @Transactional
    public PostingResult refund(String customerId, String refundId, long amountMinor) {
        return credit(customerId, EntryKind.REFUND, refundId, amountMinor);
    }

    /** Records a payment once per payment id. */
    @Transactional
    public PostingResult pay(String customerId, String paymentId, long amountMinor) {
        return credit(customerId, EntryKind.PAYMENT, paymentId, amountMinor);
    }

    private PostingResult credit(String customerId, EntryKind kind, String reference, long amountMinor) {
        if (amountMinor <= 0) {
            throw new IllegalArgumentException("a credit is given as a positive amount, was " + amountMinor);
        }
        customerLock.lockForRestOfTransaction(customerId);
        if (creditLimit(customerId).isEmpty()) {
            return new Refused(ChargeRejectionReason.UNKNOWN_CUSTOMER);
        }
        Optional<Entry> existing = find(kind, reference, customerId);
        if (existing.isPresent()) {
            return new AlreadyPosted(existing.get());
        }
        return append(customerId, kind, reference, -amountMinor, null);
    }

    /** Reads the last balance and appends; the caller holds the customer's lock. */
    private PostingResult append(
            String customerId, EntryKind kind, String reference, long amountMinor, @Nullable Long creditLimit) {
        long balance = jdbc.sql("""
                        SELECT balance_after_minor FROM entries
                        WHERE customer_id = :customerId
                        ORDER BY entry_id DESC
                        LIMIT 1
                        """)
                .param("customerId", customerId)
                .query(Long.class)
                .optional()
                .orElse(0L);
        return append(customerId, kind, reference, amountMinor, creditLimit, balance);
    }

    /** Appends after {@code balance}, the customer's last, read under the customer's lock the caller holds. */
    private PostingResult append(
            String customerId,
            EntryKind kind,
            String reference,
            long amountMinor,
            @Nullable Long creditLimit,
            long balance) {
        if (kind == EntryKind.SALE && !CreditLimit.allows(balance, amountMinor, requireLimit(creditLimit))) {
            return new Refused(ChargeRejectionReason.CREDIT_LIMIT_EXCEEDED);
        }
        Entry entry = jdbc.sql("""
                        INSERT INTO entries
                            (customer_id, kind, amount_minor, balance_after_minor, reference, credit_limit_minor)
                        VALUES (:customerId, :kind, :amount, :balanceAfter, :reference, :creditLimit)
                        RETURNING *
                        """)
                .param("customerId", customerId)
                .param("kind", kind.name())
                .param("amount", amountMinor)
                .param("balanceAfter", Math.addExact(balance, amountMinor))
                .param("reference", reference)
                .param("creditLimit", creditLimit, java.sql.Types.BIGINT)
                .query(Ledger::entry)
                .single();
        outbox.append(
                Topics.LEDGER_EVENTS,
                customerId,
                EntryPosted.TYPE,
                new EntryPosted(
                        customerId, kind.name(), entry.amountMinor(), entry.balanceAfterMinor(), entry.reference()));
        log.info(
                "posted {} {} for customer {}: {} -> balance {}",
                kind,
                reference,
                customerId,
                amountMinor,
                entry.balanceAfterMinor());
        return new Appended(entry);
    }

    private Optional<Long> creditLimit(String customerId) {
        return jdbc.sql("SELECT credit_limit_minor FROM customers WHERE customer_id = :customerId")
                .param("customerId", customerId)
                .query(Long.class)
                .optional();
    }

    /** The entry with this business key, if any; one posted to another customer is a conflict. */
    private Optional<Entry> find(EntryKind kind, String reference, String customerId) {
        Optional<Entry> entry = jdbc.sql("SELECT * FROM entries WHERE kind = :kind AND reference = :reference")
                .param("kind", kind.name())
                .param("reference", reference)
                .query(Ledger::entry)
                .optional();
        return ofCustomer(entry, kind, reference, customerId);
    }

    /** The entry found by its business key, which must be this customer's: one posted to another is a conflict. */
    private static Optional<Entry> ofCustomer(
            Optional<Entry> entry, EntryKind kind, String reference, String customerId) {
        if (entry.isPresent() && !entry.get().customerId().equals(customerId)) {
            throw new ReferenceConflictException(kind, reference, entry.get().customerId(), customerId);
        }
        return entry;
    }

    private static long requireLimit(@Nullable Long creditLimit) {
        if (creditLimit == null) {
            throw new IllegalStateException("a charge is checked against the customer's credit limit");
        }
        return creditLimit;
    }

    static Entry entry(ResultSet rs, int row) throws SQLException {
        return new Entry(
                rs.getLong("entry_id"),
                rs.getString("customer_id"),
                EntryKind.valueOf(rs.getString("kind")),
                rs.getLong("amount_minor"),
                rs.getLong("balance_after_minor"),
                rs.getString("reference"),
                rs.getTimestamp("created_at").toInstant());
    }
}
