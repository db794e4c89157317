package till.checkout.saga;

import java.util.List;
import java.util.UUID;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Rejects checkouts whose deadline passed before their charge was posted, compensating what they did. Claims
 * rows with {@code FOR UPDATE SKIP LOCKED}, so any number of checkout-service instances can sweep at once.
 */
@Component
class DeadlineSweeper {

    private static final int BATCH = 100;

    private final CheckoutSaga saga;
    private final Checkouts checkouts;
    private final TransactionTemplate tx;

    DeadlineSweeper(CheckoutSaga saga, Checkouts checkouts, TransactionTemplate tx) {
        this.saga = saga;
        this.checkouts = checkouts;
        this.tx = tx;
    }

    @Scheduled(fixedDelayString = "${till.checkout.sweep-interval:1s}")
    void sweep() {
        Integer swept;
        do {
            swept = tx.execute(status -> {
                List<UUID> overdue = checkouts.claimOverdue(saga.now(), BATCH);
                overdue.forEach(saga::timeOut);
                return overdue.size();
            });
        } while (swept != null && swept == BATCH);
    }
}
