package till.inventory.product;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import till.contracts.inventory.ProductPriceChanged;
import till.contracts.inventory.StockLevelChanged;
import till.platform.kafka.Topics;
import till.platform.kafka.Tracing;
import till.platform.outbox.Outbox;

/**
 * The {@code products} table. Writes are only called from inside {@link ProductLocks#write}, on a row that the
 * caller holds locked; every write moves the version, every stock change emits {@link StockLevelChanged}, and
 * every new price (a new product's included) emits {@link ProductPriceChanged}.
 */
@Component
public class Products {

    static final String COLUMNS = "product_id, name, price_minor, on_hand, reserved, version";

    private final JdbcClient jdbc;
    private final Outbox outbox;

    Products(JdbcClient jdbc, Outbox outbox) {
        this.jdbc = jdbc;
        this.outbox = outbox;
    }

    /**
     * Inserts a new product; empty when a concurrent create of the same id committed first. Explicit SQL rather than
     * {@link ProductRepository#save}: {@code ON CONFLICT DO NOTHING} leaves the transaction usable, so the loser of
     * the race is answered as an edit without {@code If-Match} instead of failing on the primary key.
     */
    Optional<Product> insert(String productId, String name, long priceMinor, long onHand) {
        int inserted = jdbc.sql("""
                        INSERT INTO products (product_id, name, price_minor, on_hand, reserved, version)
                        VALUES (?, ?, ?, ?, 0, 1)
                        ON CONFLICT (product_id) DO NOTHING
                        """).params(productId, name, priceMinor, onHand).update();
        if (inserted == 0) {
            return Optional.empty();
        }
        Product created = new Product(productId, name, priceMinor, new Stock(onHand, 0), 1);
        outbox.appendAll(List.of(priceFact(created), stockLevel(created, "created")));
        return Optional.of(created);
    }

    /** Writes name, price and stock of a locked product in one statement; emits a stock event when stock moved. */
    Product update(Product locked, String name, long priceMinor, Stock stock, String cause) {
        jdbc.sql("""
                        UPDATE products
                        SET name = ?, price_minor = ?, on_hand = ?, reserved = ?, version = version + 1
                        WHERE product_id = ?
                        """)
                .params(name, priceMinor, stock.onHand(), stock.reserved(), locked.productId())
                .update();
        Product updated = new Product(locked.productId(), name, priceMinor, stock, locked.version() + 1);
        if (!stock.equals(locked.stock())) {
            emitStockLevel(updated, cause);
        }
        return updated;
    }

    /** Moves the stock of a locked product; {@code cause} says why, for the {@link StockLevelChanged} fact. */
    public Product changeStock(Product locked, Stock stock, String cause) {
        return update(locked, locked.name(), locked.priceMinor(), stock, cause);
    }

    /**
     * Writes the stock and version that decisions made in memory reached for products the caller holds locked, in
     * one statement: a poll's book pays one UPDATE however many products and commands it holds. Under the lock the
     * version read is the row's, so the one reached in memory is the row's next. The caller emits each product's
     * fact ({@link #stockLevel}).
     */
    public void writeStocks(List<Product> products) {
        if (products.isEmpty()) {
            return;
        }
        jdbc.sql("""
                        UPDATE products p
                        SET on_hand = s.on_hand, reserved = s.reserved, version = s.version
                        FROM unnest(?::text[], ?::bigint[], ?::bigint[], ?::bigint[]) AS s (product_id, on_hand, reserved, version)
                        WHERE p.product_id = s.product_id
                        """)
                .params(
                        products.stream().map(Product::productId).toArray(String[]::new),
                        products.stream().map(p -> p.stock().onHand()).toArray(Long[]::new),
                        products.stream().map(p -> p.stock().reserved()).toArray(Long[]::new),
                        products.stream().map(Product::version).toArray(Long[]::new))
                .update();
    }

    /** The facts of a person's edit of a locked product: its new price, its new stock level, both or none. */
    void emitEdit(Product before, Product edited) {
        List<Outbox.Message> facts = new ArrayList<>();
        if (edited.priceMinor() != before.priceMinor()) {
            facts.add(priceFact(edited));
        }
        if (!edited.stock().equals(before.stock())) {
            facts.add(stockLevel(edited, "edit"));
        }
        if (!facts.isEmpty()) {
            outbox.appendAll(facts);
        }
    }

    /** The {@link StockLevelChanged} fact for a product as a change leaves it. */
    void emitStockLevel(Product product, String cause) {
        outbox.appendAll(List.of(stockLevel(product, cause)));
    }

    /** {@link #emitStockLevel}'s message, for a caller that appends several messages at once. */
    Outbox.Message stockLevel(Product product, String cause) {
        return stockLevel(product, cause, Tracing.traceparentOfCurrent());
    }

    /** {@link #stockLevel} in the trace {@code traceparent}: that of the change that caused it. */
    public Outbox.Message stockLevel(Product product, String cause, @Nullable String traceparent) {
        Stock stock = product.stock();
        return new Outbox.Message(
                Topics.INVENTORY_EVENTS,
                product.productId(),
                StockLevelChanged.TYPE,
                new StockLevelChanged(
                        product.productId(),
                        stock.onHand(),
                        stock.reserved(),
                        stock.available(),
                        product.version(),
                        cause),
                traceparent);
    }

    /**
     * The {@link ProductPriceChanged} fact for a product whose price was just set, at the version that set it: what
     * checkout-service quotes from (ADR 10).
     */
    Outbox.Message priceFact(Product product) {
        return new Outbox.Message(
                Topics.INVENTORY_PRICES,
                product.productId(),
                ProductPriceChanged.TYPE,
                new ProductPriceChanged(product.productId(), product.priceMinor(), product.version()));
    }

    static Product map(ResultSet rs, int row) throws SQLException {
        return new Product(
                rs.getString("product_id"),
                rs.getString("name"),
                rs.getLong("price_minor"),
                new Stock(rs.getLong("on_hand"), rs.getLong("reserved")),
                rs.getLong("version"));
    }
}
