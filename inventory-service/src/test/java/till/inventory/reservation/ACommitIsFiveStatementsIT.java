package till.inventory.reservation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import till.contracts.inventory.CommitStock;
import till.contracts.inventory.ReleaseStock;
import till.contracts.inventory.ReserveStock;
import till.contracts.inventory.StockLevelChanged;
import till.contracts.inventory.StockReleased;
import till.contracts.inventory.StockReserved;
import till.inventory.InventoryHarness;
import till.inventory.product.Product;
import till.inventory.product.ProductLocks;
import till.testsupport.StatementCounter;
import till.testsupport.StatementCounter.Counted;

/**
 * A sale (a reservation, ADR 17), the release that gives it back, and the commit of a reservation an older inventory
 * left held, once per line of a checkout, each write its stock level fact (and a reply) in one outbox statement
 * (ADR 5, round 7): lock, reservation, stock, reservation state, outbox.
 */
class ACommitIsFiveStatementsIT extends InventoryHarness {

    private static final int STATEMENTS = 5;

    @Autowired
    ProductLocks locks;

    @Autowired
    ReservationLifecycle lifecycle;

    @Test
    void aSaleACommitAndARelease() {
        String product = "clock-" + UUID.randomUUID();
        createProduct(product, 700, 10);
        String held = UUID.randomUUID().toString();
        String sold = UUID.randomUUID().toString();
        String released = UUID.randomUUID().toString();
        holdAsBefore(held, product, 1);

        Counted<Optional<Product>> sale = StatementCounter.count(() -> reserve(sold, product));
        reserve(released, product);
        Counted<Optional<Product>> commit = StatementCounter.count(() ->
                locks.write(product, locked -> lifecycle.commit(new CommitStock(held, product), locked)));
        Counted<Optional<Product>> release = StatementCounter.count(() ->
                locks.write(product, locked -> lifecycle.release(new ReleaseStock(released, product), locked)));

        assertThat(sale.statements()).isEqualTo(STATEMENTS);
        assertThat(commit.statements()).isEqualTo(STATEMENTS);
        assertThat(release.statements()).isEqualTo(STATEMENTS);
        Row row = row(product);
        assertThat(row.onHand())
                .as("10, less the sale and the held unit committed")
                .isEqualTo(8);
        assertThat(row.reserved()).isZero();
        // A commit is answered only when refused (ADR 16): its fact is its only message.
        assertThat(written(held)).isEmpty();
        assertThat(written(sold)).containsExactly(StockReserved.TYPE);
        assertThat(written(released)).containsExactly(StockReserved.TYPE, StockReleased.TYPE);
        assertThat(jdbc.sql("""
                        SELECT payload -> 'data' ->> 'cause' FROM outbox
                        WHERE aggregateid = ? AND type = ?
                        ORDER BY seq
                        """)
                        .params(product, StockLevelChanged.TYPE)
                        .query(String.class)
                        .list())
                .endsWith("sold to " + sold, "sold to " + released, "sold to " + held, "released by " + released);
    }

    /** The types of the messages written to the outbox under this key, in order. */
    private List<String> written(String key) {
        return jdbc.sql("SELECT type FROM outbox WHERE aggregateid = ? ORDER BY seq")
                .param(key)
                .query(String.class)
                .list();
    }

    private Optional<Product> reserve(String checkoutId, String product) {
        return locks.write(
                product, locked -> lifecycle.reserve(new ReserveStock(checkoutId, product, 1, null), locked));
    }
}
