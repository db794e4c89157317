package till.inventory.product;

import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import till.contracts.InvalidMessageException;
import till.contracts.inventory.AdjustStock;

/**
 * Every change of on hand that is neither a sale nor a return, once per adjustment id whether it came by REST or
 * by Kafka. Runs inside {@link ProductLocks#write}, on a locked product.
 */
@Component
public class Adjustments {

    /** What an adjustment came to: the product after it, and whether this call applied it or found it applied. */
    public record Outcome(Product product, boolean applied) {}

    private record Recorded(String productId, long delta) {}

    private final JdbcClient jdbc;
    private final Products products;

    Adjustments(JdbcClient jdbc, Products products) {
        this.jdbc = jdbc;
        this.products = products;
    }

    /**
     * An adjustment by message, under the product's lock. No retry can fix an unknown product or a delta below
     * reserved (nor a zero delta), so they are invalid messages (dead-lettered). Returns the product as it leaves it.
     */
    public Optional<Product> apply(AdjustStock command, Optional<Product> locked) {
        if (command.delta() == 0) {
            throw new InvalidMessageException("field 'delta' must not be zero");
        }
        Product product =
                locked.orElseThrow(() -> new InvalidMessageException("unknown product '" + command.productId() + "'"));
        try {
            return Optional.of(apply(product, command.adjustmentId(), command.delta(), command.reason())
                    .product());
        } catch (BelowReservedException | AdjustmentIdReusedException e) {
            throw new InvalidMessageException(e.getMessage(), e);
        }
    }

    /**
     * Applies {@code delta} to the locked product unless {@code adjustmentId} was applied before.
     *
     * @throws BelowReservedException when on hand would drop below what is reserved
     * @throws AdjustmentIdReusedException when the id was used for another product or delta
     */
    public Outcome apply(Product locked, String adjustmentId, long delta, String reason) {
        Optional<Recorded> recorded = jdbc.sql("SELECT product_id, delta FROM adjustments WHERE adjustment_id = ?")
                .param(adjustmentId)
                .query((rs, n) -> new Recorded(rs.getString("product_id"), rs.getLong("delta")))
                .optional();
        if (recorded.isPresent()) {
            if (!recorded.get().equals(new Recorded(locked.productId(), delta))) {
                throw new AdjustmentIdReusedException(adjustmentId);
            }
            return new Outcome(locked, false);
        }
        Stock next = locked.stock().adjust(delta);
        if (!record(adjustmentId, locked.productId(), delta, reason)) {
            // Another product's transaction took the id between our check and our insert.
            throw new AdjustmentIdReusedException(adjustmentId);
        }
        return new Outcome(products.changeStock(locked, next, "adjustment: " + reason), true);
    }

    /** Records an on-hand change made by a product edit, under a generated id. */
    void recordEdit(String productId, long delta, String reason) {
        record("edit-" + UUID.randomUUID(), productId, delta, reason);
    }

    private boolean record(String adjustmentId, String productId, long delta, String reason) {
        return jdbc.sql("""
                                INSERT INTO adjustments (adjustment_id, product_id, delta, reason)
                                VALUES (?, ?, ?, ?)
                                ON CONFLICT (adjustment_id) DO NOTHING
                                """).params(adjustmentId, productId, delta, reason).update() == 1;
    }
}
