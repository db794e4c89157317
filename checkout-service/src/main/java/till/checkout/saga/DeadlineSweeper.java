package till.checkout.saga;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Rejects checkouts whose deadline passed before they were CONFIRMED, compensating what they did. Claims
 * rows with {@code FOR UPDATE SKIP LOCKED}, so any number of checkout-service instances can sweep at once.
 */
@Component
class DeadlineSweeper implements SchedulingConfigurer {

    private static final int BATCH = 100;

    private final CheckoutSaga saga;
    private final Checkouts checkouts;
    private final TransactionTemplate tx;
    private final Duration interval;

    DeadlineSweeper(CheckoutSaga saga, Checkouts checkouts, TransactionTemplate tx, CheckoutProperties properties) {
        this.saga = saga;
        this.checkouts = checkouts;
        this.tx = tx;
        this.interval = properties.sweepInterval();
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        tasks.addFixedDelayTask(this::sweep, interval);
    }

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
