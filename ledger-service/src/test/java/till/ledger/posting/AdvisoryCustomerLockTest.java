package till.ledger.posting;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

class AdvisoryCustomerLockTest {

    @Test
    void theCustomerLockIsNeverTakenOutsideATransaction() {
        JdbcClient jdbc = mock(JdbcClient.class);
        var lock = new AdvisoryCustomerLock(jdbc, new SimpleMeterRegistry());

        assertThatThrownBy(() -> lock.lockForRestOfTransaction("customer-1"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("inside the posting transaction");
        verifyNoInteractions(jdbc);
    }
}
