package till.ledger.posting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CreditLimitTest {

    @Test
    void aChargeMayTakeTheBalanceExactlyToTheLimit() {
        assertThat(CreditLimit.allows(900, 100, 1_000)).isTrue();
        assertThat(CreditLimit.allows(901, 100, 1_000)).isFalse();
    }

    @Test
    void aCreditBalanceLeavesRoomForMore() {
        assertThat(CreditLimit.allows(-500, 1_500, 1_000)).isTrue();
        assertThat(CreditLimit.allows(0, 1, 0)).isFalse();
    }

    @Test
    void onlyPositiveChargesAreChecked() {
        assertThatThrownBy(() -> CreditLimit.allows(0, 0, 1_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CreditLimit.allows(0, -1, 1_000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anOverflowIsAnErrorNotAWrapAround() {
        assertThatThrownBy(() -> CreditLimit.allows(Long.MAX_VALUE, 1, Long.MAX_VALUE))
                .isInstanceOf(ArithmeticException.class);
    }
}
