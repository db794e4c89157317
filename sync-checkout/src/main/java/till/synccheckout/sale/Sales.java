package till.synccheckout.sale;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The whole sale in one transaction, as the design Till replaces did it: lock the products and the customer with
 * waiting {@code FOR UPDATE}, check stock and credit, then write stock, order, lines and ledger entry. Correct,
 * and fast until many tills queue on one product's lock.
 */
@Service
class Sales {

    enum Status {
        CONFIRMED,
        REJECTED
    }

    record Sale(
            UUID orderId,
            String customerId,
            Status status,
            @Nullable String reason,
            long totalMinor) {}

    private record Stock(String productId, long priceMinor, long onHand) {}

    private record Account(long creditLimitMinor, long balanceMinor) {}

    private final JdbcClient jdbc;

    Sales(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Sells {@code quantities} (product id to quantity, in product-id order) to the customer, once per key. A
     * concurrent sale under the same key makes the order insert fail on its unique key and this one roll back.
     */
    @Transactional
    Sale sell(String idempotencyKey, String customerId, SortedMap<String, Integer> quantities) {
        Optional<Sale> earlier = find(idempotencyKey);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        String[] productIds = quantities.keySet().toArray(String[]::new);
        // One statement locks every product of the sale, in product-id order (ORDER BY runs before the locks are
        // taken), so two sales sharing products queue one behind the other instead of deadlocking.
        Map<String, Stock> stock = jdbc
                .sql("""
                        SELECT product_id, price_minor, on_hand FROM products
                        WHERE product_id = ANY (?) ORDER BY product_id FOR UPDATE
                        """)
                .param(productIds)
                .query((rs, n) ->
                        new Stock(rs.getString("product_id"), rs.getLong("price_minor"), rs.getLong("on_hand")))
                .stream()
                .collect(Collectors.toMap(Stock::productId, s -> s));
        long total = 0;
        List<Long> prices = new ArrayList<>();
        for (Map.Entry<String, Integer> line : quantities.entrySet()) {
            Stock product = stock.get(line.getKey());
            if (product == null) {
                return reject(idempotencyKey, customerId, "UNKNOWN_PRODUCT");
            }
            if (product.onHand() < line.getValue()) {
                return reject(idempotencyKey, customerId, "OUT_OF_STOCK");
            }
            total += product.priceMinor() * line.getValue();
            prices.add(product.priceMinor());
        }
        Optional<Account> account = jdbc.sql(
                        "SELECT credit_limit_minor, balance_minor FROM customers WHERE customer_id = ? FOR UPDATE")
                .param(customerId)
                .query((rs, n) -> new Account(rs.getLong("credit_limit_minor"), rs.getLong("balance_minor")))
                .optional();
        if (account.isEmpty()) {
            return reject(idempotencyKey, customerId, "UNKNOWN_CUSTOMER");
        }
        long balanceAfter = account.get().balanceMinor() + total;
        if (balanceAfter > account.get().creditLimitMinor()) {
            return reject(idempotencyKey, customerId, "CREDIT_LIMIT_EXCEEDED");
        }

        Integer[] counts = quantities.values().toArray(Integer[]::new);
        jdbc.sql("""
                        UPDATE products p SET on_hand = p.on_hand - l.quantity
                        FROM unnest(?::text[], ?::int[]) AS l (product_id, quantity)
                        WHERE p.product_id = l.product_id
                        """).params(productIds, counts).update();
        Sale sale = insertOrder(idempotencyKey, customerId, Status.CONFIRMED, null, total);
        jdbc.sql("""
                        INSERT INTO order_lines (order_id, product_id, quantity, unit_price_minor)
                        SELECT ?, l.* FROM unnest(?::text[], ?::int[], ?::bigint[]) AS l
                        """)
                .params(sale.orderId(), productIds, counts, prices.toArray(Long[]::new))
                .update();
        jdbc.sql("""
                        INSERT INTO ledger_entries (customer_id, order_id, amount_minor, balance_after_minor)
                        VALUES (?, ?, ?, ?)
                        """).params(customerId, sale.orderId(), total, balanceAfter).update();
        jdbc.sql("UPDATE customers SET balance_minor = ? WHERE customer_id = ?")
                .params(balanceAfter, customerId)
                .update();
        return sale;
    }

    /** The sale made under this key, if any: a repeated request is answered with the first one's outcome. */
    @Transactional(readOnly = true)
    Optional<Sale> find(String idempotencyKey) {
        return jdbc.sql("""
                        SELECT order_id, customer_id, status, reason, total_minor FROM orders
                        WHERE idempotency_key = ?
                        """)
                .param(idempotencyKey)
                .query((rs, n) -> new Sale(
                        rs.getObject("order_id", UUID.class),
                        rs.getString("customer_id"),
                        Status.valueOf(rs.getString("status")),
                        rs.getString("reason"),
                        rs.getLong("total_minor")))
                .optional();
    }

    /** A rejected sale changes nothing but is kept, so that its key keeps its answer. */
    private Sale reject(String idempotencyKey, String customerId, String reason) {
        return insertOrder(idempotencyKey, customerId, Status.REJECTED, reason, 0);
    }

    private Sale insertOrder(
            String idempotencyKey, String customerId, Status status, @Nullable String reason, long totalMinor) {
        UUID orderId = UUID.randomUUID();
        jdbc.sql("""
                        INSERT INTO orders (order_id, idempotency_key, customer_id, status, reason, total_minor)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """)
                .param(orderId)
                .param(idempotencyKey)
                .param(customerId)
                .param(status.name())
                .param(reason)
                .param(totalMinor)
                .update();
        return new Sale(orderId, customerId, status, reason, totalMinor);
    }
}
