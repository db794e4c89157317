package till.checkout.price;

import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code product_prices} table: inventory's prices as its {@code ProductPriceChanged} facts told them. A price
 * here may lag inventory's by a fact in flight; a checkout quoted from a lagging price is refused by inventory
 * ({@code PRICE_CHANGED}), never charged wrongly.
 */
@Repository
public class ProductPrices {

    private final JdbcClient jdbc;

    ProductPrices(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The known prices of these products, by product id; a product without one is missing from the map. */
    public Map<String, Long> quote(Collection<String> productIds) {
        return jdbc
                .sql("SELECT product_id, price_minor FROM product_prices WHERE product_id = ANY(?)")
                .param(productIds.toArray(String[]::new))
                .query((rs, n) -> Map.entry(rs.getString("product_id"), rs.getLong("price_minor")))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /**
     * Keeps {@code priceMinor} as the product's price unless a price of the same or a later version is already kept:
     * a product's versions only grow, so the copy never goes back to an older price. Returns whether it was kept.
     */
    boolean apply(String productId, long priceMinor, long version) {
        return jdbc.sql("""
                        INSERT INTO product_prices AS p (product_id, price_minor, version)
                        VALUES (?, ?, ?)
                        ON CONFLICT (product_id) DO UPDATE
                        SET price_minor = EXCLUDED.price_minor, version = EXCLUDED.version, updated_at = now()
                        WHERE p.version < EXCLUDED.version
                        """).params(productId, priceMinor, version).update() == 1;
    }
}
