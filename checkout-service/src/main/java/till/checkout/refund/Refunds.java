package till.checkout.refund;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Refunds and their lines in PostgreSQL; all of a checkout's refunds load in one query. */
@Repository
public class Refunds {

    public record RefundLine(String productId, int quantity, boolean returned) {}

    public record Refund(UUID refundId, long amountMinor, boolean creditPosted, List<RefundLine> lines) {

        public boolean completed() {
            return creditPosted && lines.stream().allMatch(RefundLine::returned);
        }
    }

    private final JdbcClient jdbc;

    Refunds(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(
            UUID refundId,
            UUID checkoutId,
            String idempotencyKey,
            String fingerprint,
            long amountMinor,
            Map<String, Integer> lines) {
        jdbc.sql("""
                        INSERT INTO refunds (refund_id, checkout_id, idempotency_key, request_fingerprint, amount_minor)
                        VALUES (?, ?, ?, ?, ?)
                        """)
                .params(refundId, checkoutId, idempotencyKey, fingerprint, amountMinor)
                .update();
        lines.forEach((productId, quantity) -> jdbc.sql(
                        "INSERT INTO refund_lines (refund_id, checkout_id, product_id, quantity) VALUES (?, ?, ?, ?)")
                .params(refundId, checkoutId, productId, quantity)
                .update());
    }

    Optional<Map.Entry<UUID, String>> byIdempotencyKey(UUID checkoutId, String idempotencyKey) {
        return jdbc.sql(
                        "SELECT refund_id, request_fingerprint FROM refunds WHERE checkout_id = ? AND idempotency_key = ?")
                .params(checkoutId, idempotencyKey)
                .query((rs, n) -> Map.entry(rs.getObject("refund_id", UUID.class), rs.getString("request_fingerprint")))
                .optional();
    }

    /** Every refund of a checkout with its lines, oldest first, in one query. */
    public List<Refund> of(UUID checkoutId) {
        Map<UUID, Refund> refunds = new LinkedHashMap<>();
        jdbc.sql("""
                        SELECT r.refund_id, r.amount_minor, r.credit_posted, l.product_id, l.quantity, l.returned
                        FROM refunds r JOIN refund_lines l USING (refund_id)
                        WHERE r.checkout_id = ?
                        ORDER BY r.created_at, r.refund_id, l.product_id
                        """).param(checkoutId).query(rs -> {
            UUID id = rs.getObject("refund_id", UUID.class);
            Refund refund = refunds.computeIfAbsent(id, k -> {
                try {
                    return new Refund(k, rs.getLong("amount_minor"), rs.getBoolean("credit_posted"), new ArrayList<>());
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            refund.lines()
                    .add(new RefundLine(rs.getString("product_id"), rs.getInt("quantity"), rs.getBoolean("returned")));
        });
        return refunds.values().stream()
                .map(r -> new Refund(r.refundId(), r.amountMinor(), r.creditPosted(), List.copyOf(r.lines())))
                .toList();
    }

    Optional<Refund> find(UUID checkoutId, UUID refundId) {
        return of(checkoutId).stream()
                .filter(r -> r.refundId().equals(refundId))
                .findFirst();
    }

    /** Marks one line returned; true only the first time. */
    boolean markReturned(UUID refundId, String productId) {
        return jdbc.sql(
                                "UPDATE refund_lines SET returned = true WHERE refund_id = ? AND product_id = ? AND NOT returned")
                        .params(refundId, productId)
                        .update()
                == 1;
    }

    /** Marks the credit posted; true only the first time. */
    boolean markCreditPosted(UUID refundId) {
        return jdbc.sql("UPDATE refunds SET credit_posted = true WHERE refund_id = ? AND NOT credit_posted")
                        .param(refundId)
                        .update()
                == 1;
    }
}
