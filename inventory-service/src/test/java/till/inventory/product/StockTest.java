package till.inventory.product;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.CannotAcquireLockException;

class StockTest {

    @Test
    void sellingTheLastUnitLeavesNothingAvailable() {
        Stock stock = new Stock(1, 0).sell(1);
        assertThat(stock).isEqualTo(new Stock(0, 0));
        assertThat(stock.canReserve(1)).isFalse();
        assertThatThrownBy(() -> stock.sell(1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSaleTakesOnlyWhatIsNotHeld() {
        Stock stock = new Stock(5, 3);
        assertThat(stock.sell(2)).isEqualTo(new Stock(3, 3));
        assertThatThrownBy(() -> stock.sell(3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> stock.sell(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReleasedSaleComesBackOnHand() {
        assertThat(new Stock(3, 1).receive(2)).isEqualTo(new Stock(5, 1));
    }

    @Test
    void aCommitTakesUnitsOffTheShelfAndOutOfReserved() {
        Stock stock = new Stock(10, 4).commit(3);
        assertThat(stock).isEqualTo(new Stock(7, 1));
    }

    @Test
    void aReleaseGivesReservedUnitsBack() {
        assertThat(new Stock(10, 4).release(4)).isEqualTo(new Stock(10, 0));
        assertThatThrownBy(() -> new Stock(10, 4).release(5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anAdjustmentMayNotTakeOnHandBelowReserved() {
        assertThat(new Stock(10, 4).adjust(-6)).isEqualTo(new Stock(4, 4));
        assertThatThrownBy(() -> new Stock(10, 4).adjust(-7))
                .isInstanceOf(BelowReservedException.class)
                .hasMessageContaining("would take on hand below reserved");
    }

    @Test
    void stockThatBreaksTheInvariantCannotBeBuilt() {
        assertThatThrownBy(() -> new Stock(1, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Stock(0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLockConflictIsRecognisedByItsSqlStateAnywhereInTheCauseChain() {
        var nowait = new SQLException("could not obtain lock on row", "55P03");
        assertThat(ProductLocks.isLockNotAvailable(new CannotAcquireLockException("translated", nowait)))
                .isTrue();
        assertThat(ProductLocks.isLockNotAvailable(new RuntimeException(new SQLException("deadlock", "40P01"))))
                .isFalse();
        assertThat(ProductLocks.isLockNotAvailable(null)).isFalse();
    }

    @Test
    void ifMatchComparesStrongEntityTags() {
        Product product = new Product("p", "P", 1, new Stock(1, 0), 3);
        assertThat(ProductEdits.matches("\"3\"", product)).isTrue();
        assertThat(ProductEdits.matches("\"2\", \"3\"", product)).isTrue();
        assertThat(ProductEdits.matches("\"2\"", product)).isFalse();
        assertThat(ProductEdits.matches("W/\"3\"", product)).isFalse();
    }
}
