package till.inventory.refund;

import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import till.contracts.InvalidMessageException;
import till.contracts.inventory.ReturnStock;
import till.contracts.inventory.StockReturned;
import till.inventory.product.Product;
import till.inventory.product.ProductLocks;
import till.inventory.product.Products;
import till.platform.kafka.Topics;
import till.platform.outbox.Outbox;

/** Refunded units back on hand, once per (refund, product), and never more than the checkout bought. */
@Component
public class Returns {

    private final Products products;
    private final JdbcClient jdbc;
    private final Outbox outbox;

    Returns(Products products, JdbcClient jdbc, Outbox outbox) {
        this.products = products;
        this.jdbc = jdbc;
        this.outbox = outbox;
    }

    /** Runs under the product's lock ({@link ProductLocks}); returns the product as this return leaves it. */
    public Optional<Product> accept(ReturnStock command, Optional<Product> locked) {
        Product product =
                locked.orElseThrow(() -> new InvalidMessageException("unknown product '" + command.productId() + "'"));
        Optional<Long> recorded = jdbc.sql("SELECT quantity FROM returns WHERE refund_id = ? AND product_id = ?")
                .params(command.refundId(), product.productId())
                .query(Long.class)
                .optional();
        if (recorded.isPresent()) {
            // The same refund again (after the inbox forgot its id): answer it, change nothing.
            reply(command, recorded.get());
            return locked;
        }
        long returnable = returnable(command.checkoutId(), product.productId());
        if (command.quantity() > returnable) {
            throw new InvalidMessageException("refund " + command.refundId() + " returns " + command.quantity()
                    + " of " + product.productId() + " but checkout " + command.checkoutId() + " has only "
                    + returnable + " sold and not yet returned");
        }
        jdbc.sql("INSERT INTO returns (refund_id, product_id, checkout_id, quantity) VALUES (?, ?, ?, ?)")
                .params(command.refundId(), product.productId(), command.checkoutId(), command.quantity())
                .update();
        Product after = products.changeStock(
                product, product.stock().receive(command.quantity()), "returned by refund " + command.refundId());
        reply(command, command.quantity());
        return Optional.of(after);
    }

    /** Units the checkout bought (its committed reservation) less what earlier refunds already returned. */
    private long returnable(String checkoutId, String productId) {
        return jdbc.sql("""
                        SELECT coalesce((SELECT quantity FROM reservations
                                         WHERE checkout_id = :checkout AND product_id = :product AND state = 'COMMITTED'), 0)
                             - coalesce((SELECT sum(quantity) FROM returns
                                         WHERE checkout_id = :checkout AND product_id = :product), 0)
                        """)
                .param("checkout", checkoutId)
                .param("product", productId)
                .query(Long.class)
                .single();
    }

    private void reply(ReturnStock command, long quantity) {
        outbox.append(
                Topics.CHECKOUT_REPLIES,
                command.checkoutId(),
                StockReturned.TYPE,
                new StockReturned(
                        command.refundId(), command.checkoutId(), command.productId(), Math.toIntExact(quantity)));
    }
}
