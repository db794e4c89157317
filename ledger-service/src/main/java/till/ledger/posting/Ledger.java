package till.ledger.posting;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
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
import till.platform.kafka.Tracing;
import till.platform.outbox.Outbox;

/**
 * The one way onto a customer's ledger. Every posting, from Kafka or REST, runs in a transaction that first
 * takes the customer's lock ({@link AdvisoryCustomerLock}), then checks its business key, reads the last
 * balance, checks the credit limit (charges only) and appends with {@code balance_after = last + amount}. Charges,
 * the posting every checkout makes, are decided a transaction's worth at a time ({@link Charges}): one statement
 * locks their customers, one reads what they all need, one appends their entries.
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
        Charges charges = charges();
        charges.add(customerId, checkoutId, amountMinor, result -> Optional.empty());
        return charges.write().getFirst();
    }

    /**
     * A book for the charges of the current transaction (a poll's): {@link Charges#add} them in order, then {@link
     * Charges#write} decides them all in memory under their customers' locks and writes them a statement per table
     * (ADR 5, round 13).
     */
    public Charges charges() {
        return new Charges();
    }

    /**
     * Charges decided together. {@link #write} locks every customer among them in one statement, then reads in one
     * query what each charge needs (the customer's credit limit, the checkout's sale if it is posted already, whether
     * its reversal came first, the customer's last balance). It decides each charge in order, exactly as it would be
     * decided alone: a customer's second charge is checked against the balance the first leaves, and a checkout
     * charged twice is posted once. It then appends the new entries in one statement, and writes every entry's
     * {@code EntryPosted} fact and every reply the caller makes of a result in one outbox statement, each message in
     * the trace of the charge that caused it.
     */
    public final class Charges {

        /** What a charge's result is answered with, besides its fact (nothing, for a charge made directly). */
        @FunctionalInterface
        public interface Reply {
            Optional<Outbox.Message> to(PostingResult result);
        }

        /**
         * A charge as added: with the trace its messages go in, and the log context (MDC: the trace id, the
         * record's subject) its log lines are written in, both those of its record's span, long closed when the
         * book writes.
         */
        private record Charge(
                String customerId,
                String checkoutId,
                long amountMinor,
                @Nullable String traceparent,
                Map<String, String> logContext,
                Reply reply) {}

        /** What one charge found, read under its customer's lock. The limit is null if there is no such customer. */
        private record Context(@Nullable Long creditLimit, Optional<Entry> sale, boolean reversed, long balance) {}

        /** A sale decided, to be appended: the charge, the balance it leaves, the limit it was checked against. */
        private record NewSale(Charge charge, long balanceAfterMinor, long creditLimitMinor) {}

        /** A charge decided: its result, or the sale at {@code position} among those to append. */
        private sealed interface Decision {}

        private record Decided(PostingResult result) implements Decision {}

        /** {@code first}: this charge appends the sale; if not, an earlier one for the same checkout does. */
        private record Sale(int position, boolean first) implements Decision {}

        private final List<Charge> charges = new ArrayList<>();

        private Charges() {}

        /** A charge to decide with the others, in the trace and the log context current now. */
        public void add(String customerId, String checkoutId, long amountMinor, Reply reply) {
            Map<String, String> logContext = MDC.getCopyOfContextMap();
            charges.add(new Charge(
                    customerId,
                    checkoutId,
                    amountMinor,
                    Tracing.traceparentOfCurrent(),
                    logContext == null ? Map.of() : logContext,
                    reply));
        }

        /**
         * Decides and writes the charges added since the last write, in the caller's transaction; returns their
         * results in the order they were added.
         *
         * @throws ReferenceConflictException when a checkout's sale is, or would be, another customer's
         */
        public List<PostingResult> write() {
            if (charges.isEmpty()) {
                return List.of();
            }
            List<Charge> toWrite = List.copyOf(charges);
            charges.clear();
            customerLock.lockForRestOfTransaction(
                    toWrite.stream().map(Charge::customerId).toList());
            List<Context> contexts = contexts(toWrite);
            List<Decision> decided = new ArrayList<>(toWrite.size());
            List<NewSale> toInsert = new ArrayList<>();
            Map<String, Long> balances = new HashMap<>();
            Map<String, Integer> newSales = new HashMap<>();
            for (int i = 0; i < toWrite.size(); i++) {
                Charge charge = toWrite.get(i);
                Context context = contexts.get(i);
                decided.add(decide(charge, context, balances, newSales, toInsert));
            }
            List<Entry> inserted = insert(toInsert);
            List<PostingResult> results = new ArrayList<>(toWrite.size());
            List<Outbox.Message> messages = new ArrayList<>();
            Map<String, String> outer = MDC.getCopyOfContextMap();
            for (int i = 0; i < toWrite.size(); i++) {
                Charge charge = toWrite.get(i);
                PostingResult result = switch (decided.get(i)) {
                    case Decided(PostingResult known) -> known;
                    case Sale(int position, boolean first) when first -> new Appended(inserted.get(position));
                    case Sale(int position, boolean first) -> new AlreadyPosted(inserted.get(position));
                };
                results.add(result);
                MDC.setContextMap(charge.logContext());
                try {
                    if (result instanceof Appended(Entry entry)) {
                        logPosted(entry);
                        messages.add(fact(entry).inTrace(charge.traceparent()));
                    }
                    charge.reply().to(result).ifPresent(reply -> messages.add(reply.inTrace(charge.traceparent())));
                } finally {
                    MDC.setContextMap(outer == null ? Map.of() : outer);
                }
            }
            outbox.appendAll(messages);
            return results;
        }

        /** One charge decided against what was read and what the charges before it in the book decided. */
        private Decision decide(
                Charge charge,
                Context context,
                Map<String, Long> balances,
                Map<String, Integer> newSales,
                List<NewSale> toInsert) {
            if (context.creditLimit() == null) {
                return new Decided(new Refused(ChargeRejectionReason.UNKNOWN_CUSTOMER));
            }
            Optional<Entry> sale = ofCustomer(context.sale(), EntryKind.SALE, charge.checkoutId(), charge.customerId());
            if (sale.isPresent()) {
                return new Decided(new AlreadyPosted(sale.get()));
            }
            Integer earlier = newSales.get(charge.checkoutId());
            if (earlier != null) {
                String owner = toInsert.get(earlier).charge().customerId();
                if (!owner.equals(charge.customerId())) {
                    throw new ReferenceConflictException(
                            EntryKind.SALE, charge.checkoutId(), owner, charge.customerId());
                }
                return new Sale(earlier, false);
            }
            if (context.reversed()) {
                return new Decided(new Refused(ChargeRejectionReason.ALREADY_REVERSED));
            }
            long limit = context.creditLimit();
            long balance = balances.getOrDefault(charge.customerId(), context.balance());
            if (!CreditLimit.allows(balance, charge.amountMinor(), limit)) {
                return new Decided(new Refused(ChargeRejectionReason.CREDIT_LIMIT_EXCEEDED));
            }
            long after = Math.addExact(balance, charge.amountMinor());
            balances.put(charge.customerId(), after);
            newSales.put(charge.checkoutId(), toInsert.size());
            toInsert.add(new NewSale(charge, after, limit));
            return new Sale(toInsert.size() - 1, true);
        }

        private List<Context> contexts(List<Charge> toRead) {
            List<Context> contexts = jdbc.sql("""
                            SELECT c.credit_limit_minor,
                                   s.entry_id, s.customer_id, s.kind, s.amount_minor, s.balance_after_minor,
                                   s.reference, s.created_at,
                                   EXISTS (SELECT 1 FROM reversal_markers WHERE checkout_id = q.checkout_id)
                                       OR EXISTS (SELECT 1 FROM entries
                                                  WHERE kind = 'SALE_REVERSAL' AND reference = q.checkout_id)
                                       AS reversed,
                                   coalesce((SELECT balance_after_minor FROM entries
                                             WHERE customer_id = q.customer_id
                                             ORDER BY entry_id DESC
                                             LIMIT 1), 0) AS balance
                            FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS q (customer_id, checkout_id, position)
                            LEFT JOIN customers c ON c.customer_id = q.customer_id
                            LEFT JOIN entries s ON s.kind = 'SALE' AND s.reference = q.checkout_id
                            ORDER BY q.position
                            """)
                    .param(toRead.stream().map(Charge::customerId).toArray(String[]::new))
                    .param(toRead.stream().map(Charge::checkoutId).toArray(String[]::new))
                    .query((rs, row) -> new Context(
                            rs.getObject("credit_limit_minor", Long.class),
                            rs.getObject("entry_id") == null ? Optional.empty() : Optional.of(entry(rs, row)),
                            rs.getBoolean("reversed"),
                            rs.getLong("balance")))
                    .list();
            if (contexts.size() != toRead.size()) {
                throw new IllegalStateException(
                        "read " + contexts.size() + " charge contexts for " + toRead.size() + " charges");
            }
            return contexts;
        }

        /** Appends these sales in one statement, in order (their entry ids follow it); returns them in that order. */
        private List<Entry> insert(List<NewSale> sales) {
            if (sales.isEmpty()) {
                return List.of();
            }
            Map<String, Entry> inserted = new HashMap<>();
            jdbc.sql("""
                            INSERT INTO entries
                                (customer_id, kind, amount_minor, balance_after_minor, reference, credit_limit_minor)
                            SELECT customer_id, 'SALE', amount_minor, balance_after_minor, reference, credit_limit_minor
                            FROM unnest(?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::bigint[]) WITH ORDINALITY
                                 AS s (customer_id, amount_minor, balance_after_minor, reference, credit_limit_minor,
                                       position)
                            ORDER BY position
                            RETURNING *
                            """)
                    .param(sales.stream().map(s -> s.charge().customerId()).toArray(String[]::new))
                    .param(sales.stream().map(s -> s.charge().amountMinor()).toArray(Long[]::new))
                    .param(sales.stream().map(NewSale::balanceAfterMinor).toArray(Long[]::new))
                    .param(sales.stream().map(s -> s.charge().checkoutId()).toArray(String[]::new))
                    .param(sales.stream().map(NewSale::creditLimitMinor).toArray(Long[]::new))
                    .query(Ledger::entry)
                    .list()
                    .forEach(entry -> inserted.put(entry.reference(), entry));
            List<Entry> entries = new ArrayList<>(sales.size());
            for (NewSale sale : sales) {
                Entry entry = inserted.get(sale.charge().checkoutId());
                if (entry == null) {
                    throw new IllegalStateException(
                            "the sale of " + sale.charge().checkoutId() + " was not appended");
                }
                entries.add(entry);
            }
            return entries;
        }
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
                customerId, EntryKind.SALE_REVERSAL, checkoutId, -sale.get().amountMinor());
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
        return append(customerId, kind, reference, -amountMinor);
    }

    /**
     * Appends a credit or a reversal after the customer's last balance, with its fact; the caller holds the
     * customer's lock. (Charges, checked against the credit limit, are appended by {@link Charges}.)
     */
    private PostingResult append(String customerId, EntryKind kind, String reference, long amountMinor) {
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
        Entry entry = jdbc.sql("""
                        INSERT INTO entries (customer_id, kind, amount_minor, balance_after_minor, reference)
                        VALUES (:customerId, :kind, :amount, :balanceAfter, :reference)
                        RETURNING *
                        """)
                .param("customerId", customerId)
                .param("kind", kind.name())
                .param("amount", amountMinor)
                .param("balanceAfter", Math.addExact(balance, amountMinor))
                .param("reference", reference)
                .query(Ledger::entry)
                .single();
        outbox.appendAll(List.of(fact(entry)));
        logPosted(entry);
        return new Appended(entry);
    }

    /** The fact every new entry is announced with. */
    private static Outbox.Message fact(Entry entry) {
        return new Outbox.Message(
                Topics.LEDGER_EVENTS,
                entry.customerId(),
                EntryPosted.TYPE,
                new EntryPosted(
                        entry.customerId(),
                        entry.kind().name(),
                        entry.amountMinor(),
                        entry.balanceAfterMinor(),
                        entry.reference()));
    }

    private static void logPosted(Entry entry) {
        log.info(
                "posted {} {} for customer {}: {} -> balance {}",
                entry.kind(),
                entry.reference(),
                entry.customerId(),
                entry.amountMinor(),
                entry.balanceAfterMinor());
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
