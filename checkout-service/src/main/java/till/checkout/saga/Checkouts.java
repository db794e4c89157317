package till.checkout.saga;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import till.checkout.timeline.Timeline;

/**
 * Checkouts and their lines in PostgreSQL: one query to load one with its lines, and one statement per transition for
 * the checkout and all its lines. Plain SQL rather than a Spring Data repository, which would save
 * the lines by deleting and inserting them on every transition of the saga's hot path (ADR 9).
 */
@Repository
public class Checkouts {

    /**
     * Checkouts with their lines, one row per line, by checkout id and then in line order. A left join so that a
     * checkout without lines would still be found, not taken for missing; {@code FOR UPDATE OF c} may be added,
     * locking the checkouts' rows only, in checkout id order (the sort comes before the lock), so that two
     * transactions locking several never wait for each other in a cycle.
     */
    private static final String WITH_LINES = """
            SELECT c.checkout_id, c.customer_id, c.status, c.reason, c.charge_state, c.total_minor, c.deadline_at,
                   l.line_no, l.product_id, l.quantity, l.unit_price_minor, l.state
            FROM checkouts c LEFT JOIN checkout_lines l USING (checkout_id)
            WHERE c.checkout_id = ANY (?::uuid[])
            ORDER BY c.checkout_id, l.line_no
            """;

    private final JdbcClient jdbc;

    Checkouts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Inserts a new checkout with its lines, in one statement, unless its idempotency key is taken; a concurrent
     * insert of the same key waits on the unique index until the first commits. Returns false when the key already
     * belongs to a checkout: then the checkout's insert returns no row, so no line is inserted either (a checkout
     * always has lines: {@link Checkout#start}).
     * {@code traceparent}: the trace the checkout belongs to, kept for the work done for it later (the sweeper).
     * {@code sent}: the checkout's first messages, recorded on its timeline in the same statement if it is inserted.
     */
    boolean insert(
            Checkout checkout,
            String idempotencyKey,
            String fingerprint,
            @Nullable String traceparent,
            Timeline.Rows sent) {
        List<CheckoutLine> lines = checkout.lines();
        int linesInserted = jdbc.sql("""
                        WITH checkout AS (
                            INSERT INTO checkouts (checkout_id, customer_id, status, charge_state, total_minor,
                                                   idempotency_key, request_fingerprint, deadline_at, traceparent)
                            VALUES (?, ?, 'PENDING', ?, ?, ?, ?, ?, ?)
                            ON CONFLICT (idempotency_key) DO NOTHING
                            RETURNING checkout_id
                        ),
                        recorded AS (
                        """ + Timeline.insert("EXISTS (SELECT FROM checkout)") + """
                        )
                        INSERT INTO checkout_lines (checkout_id, line_no, product_id, quantity, unit_price_minor, state)
                        SELECT checkout.checkout_id, l.line_no, l.product_id, l.quantity, l.unit_price_minor, l.state
                        FROM checkout, unnest(?::int[], ?::text[], ?::int[], ?::bigint[], ?::text[])
                             AS l (line_no, product_id, quantity, unit_price_minor, state)
                        """)
                .param(checkout.id())
                .param(checkout.customerId())
                .param(checkout.charge().name())
                .param(checkout.totalMinor())
                .param(idempotencyKey)
                .param(fingerprint)
                .param(Timestamp.from(checkout.deadline()))
                .param(traceparent)
                .param(sent.checkoutIds())
                .param(sent.directions())
                .param(sent.messageIds())
                .param(sent.types())
                .param(sent.data())
                .param(lines.stream().map(CheckoutLine::lineNo).toArray(Integer[]::new))
                .param(lines.stream().map(CheckoutLine::productId).toArray(String[]::new))
                .param(lines.stream().map(CheckoutLine::quantity).toArray(Integer[]::new))
                .param(lines.stream().map(CheckoutLine::unitPriceMinor).toArray(Long[]::new))
                .param(lines.stream().map(l -> l.state().name()).toArray(String[]::new))
                .update();
        return linesInserted > 0;
    }

    /** The checkout id and request fingerprint an idempotency key already belongs to. */
    Optional<Map.Entry<UUID, String>> byIdempotencyKey(String idempotencyKey) {
        return jdbc.sql("SELECT checkout_id, request_fingerprint FROM checkouts WHERE idempotency_key = ?")
                .param(idempotencyKey)
                .query((rs, n) ->
                        Map.entry(rs.getObject("checkout_id", UUID.class), rs.getString("request_fingerprint")))
                .optional();
    }

    public Optional<Checkout> find(UUID id) {
        return Optional.ofNullable(load(List.of(id), WITH_LINES).get(id));
    }

    /** Loads and row-locks a checkout: its replies and its deadline are applied one at a time. */
    public Optional<Checkout> lock(UUID id) {
        return Optional.ofNullable(lockAll(List.of(id)).get(id));
    }

    /** Loads and row-locks these checkouts in one statement (the ones that exist), for a poll of replies. */
    Map<UUID, Checkout> lockAll(Collection<UUID> ids) {
        return load(ids, WITH_LINES + "FOR UPDATE OF c");
    }

    /**
     * Claims overdue checkouts for this sweeper instance (PENDING past the deadline, whatever their charge: a quoted
     * checkout's may be posted while a line is unanswered); rows another instance holds are skipped, not waited
     * for, so several checkout-service instances sweep side by side.
     */
    /** An overdue checkout claimed by the sweeper, with the trace it was started in (null if none was kept). */
    record Overdue(UUID checkoutId, @Nullable String traceparent) {}

    List<Overdue> claimOverdue(Instant now, int limit) {
        return jdbc.sql("""
                        SELECT checkout_id, traceparent FROM checkouts
                        WHERE status = 'PENDING' AND deadline_at < ?
                        ORDER BY deadline_at
                        LIMIT ?
                        FOR UPDATE SKIP LOCKED
                        """)
                .params(Timestamp.from(now), limit)
                .query((rs, n) -> new Overdue(rs.getObject(1, UUID.class), rs.getString(2)))
                .list();
    }

    /**
     * Writes these checkouts' states and every one of their lines', in one statement; and records {@code timeline}
     * (what the transaction received and sent for them) on their timeline in the same statement.
     */
    void updateAll(Collection<Checkout> changed, Timeline.Rows timeline) {
        List<Checkout> all = List.copyOf(changed);
        @Nullable String[] reasons = new String[all.size()];
        for (int i = 0; i < reasons.length; i++) {
            RejectionReason reason = all.get(i).reason();
            reasons[i] = reason == null ? null : reason.name();
        }
        List<Map.Entry<UUID, CheckoutLine>> lines = all.stream()
                .flatMap(c -> c.lines().stream().map(l -> Map.entry(c.id(), l)))
                .toList();
        jdbc.sql("""
                        WITH checkout AS (
                            UPDATE checkouts c
                            SET status = u.status, reason = u.reason, charge_state = u.charge_state,
                                total_minor = u.total_minor, updated_at = now()
                            FROM unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::bigint[])
                                 AS u (checkout_id, status, reason, charge_state, total_minor)
                            WHERE c.checkout_id = u.checkout_id
                        ),
                        recorded AS (
                        """ + Timeline.insert("true") + """
                        )
                        UPDATE checkout_lines l SET state = u.state, unit_price_minor = u.unit_price_minor
                        FROM unnest(?::uuid[], ?::text[], ?::text[], ?::bigint[])
                             AS u (checkout_id, product_id, state, unit_price_minor)
                        WHERE l.checkout_id = u.checkout_id AND l.product_id = u.product_id
                        """)
                .param(all.stream().map(Checkout::id).toArray(UUID[]::new))
                .param(all.stream().map(c -> c.status().name()).toArray(String[]::new))
                .param(reasons)
                .param(all.stream().map(c -> c.charge().name()).toArray(String[]::new))
                .param(all.stream().map(Checkout::totalMinor).toArray(Long[]::new))
                .param(timeline.checkoutIds())
                .param(timeline.directions())
                .param(timeline.messageIds())
                .param(timeline.types())
                .param(timeline.data())
                .param(lines.stream().map(Map.Entry::getKey).toArray(UUID[]::new))
                .param(lines.stream().map(l -> l.getValue().productId()).toArray(String[]::new))
                .param(lines.stream().map(l -> l.getValue().state().name()).toArray(String[]::new))
                .param(lines.stream().map(l -> l.getValue().unitPriceMinor()).toArray(Long[]::new))
                .update();
    }

    /** The checkouts found among {@code ids}, each with its lines, in checkout id order. */
    private Map<UUID, Checkout> load(Collection<UUID> ids, String sql) {
        Map<UUID, Row> checkouts = new LinkedHashMap<>();
        Map<UUID, List<CheckoutLine>> lines = new HashMap<>();
        jdbc.sql(sql).param(ids.toArray(UUID[]::new)).query(rs -> {
            Row row = row(rs);
            checkouts.putIfAbsent(row.id(), row);
            List<CheckoutLine> of = lines.computeIfAbsent(row.id(), id -> new ArrayList<>());
            line(rs).ifPresent(of::add);
        });
        Map<UUID, Checkout> found = new LinkedHashMap<>();
        checkouts.forEach((id, row) -> found.put(id, row.toCheckout(List.copyOf(lines.getOrDefault(id, List.of())))));
        return found;
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(
                rs.getObject("checkout_id", UUID.class),
                rs.getString("customer_id"),
                CheckoutStatus.valueOf(rs.getString("status")),
                rs.getString("reason"),
                ChargeState.valueOf(rs.getString("charge_state")),
                rs.getObject("total_minor", Long.class),
                rs.getTimestamp("deadline_at").toInstant());
    }

    /** The row's line; none where the left join found no line. */
    private static Optional<CheckoutLine> line(ResultSet rs) throws SQLException {
        if (rs.getObject("line_no") == null) {
            return Optional.empty();
        }
        return Optional.of(new CheckoutLine(
                rs.getInt("line_no"),
                rs.getString("product_id"),
                rs.getInt("quantity"),
                rs.getObject("unit_price_minor", Long.class),
                LineState.valueOf(rs.getString("state"))));
    }

    private record Row(
            UUID id,
            String customerId,
            CheckoutStatus status,
            @org.jspecify.annotations.Nullable String reason,
            ChargeState charge,
            @org.jspecify.annotations.Nullable Long totalMinor,
            Instant deadline) {

        Checkout toCheckout(List<CheckoutLine> lines) {
            return new Checkout(
                    id,
                    customerId,
                    deadline,
                    lines,
                    status,
                    reason == null ? null : RejectionReason.valueOf(reason),
                    charge,
                    totalMinor);
        }
    }
}
