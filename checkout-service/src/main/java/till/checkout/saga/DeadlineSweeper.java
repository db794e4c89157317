package till.checkout.saga;

import java.time.Duration;
import java.util.List;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import till.platform.kafka.Tracing;

/**
 * Rejects checkouts whose deadline passed before they were CONFIRMED, compensating what they did. Claims
 * rows with {@code FOR UPDATE SKIP LOCKED}, so any number of checkout-service instances can sweep at once. Each
 * checkout is timed out in a span of its own trace (kept on its row), so its compensations stay in the trace an
 * operator follows the sale by.
 */
@Component
class DeadlineSweeper implements SchedulingConfigurer {

    private static final int BATCH = 100;

    private final CheckoutSaga saga;
    private final Checkouts checkouts;
    private final TransactionTemplate tx;
    private final Tracing tracing;
    private final Duration interval;

    DeadlineSweeper(
            CheckoutSaga saga,
            Checkouts checkouts,
            TransactionTemplate tx,
            Tracing tracing,
            CheckoutProperties properties) {
        this.saga = saga;
        this.checkouts = checkouts;
        this.tx = tx;
        this.tracing = tracing;
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
                List<Checkouts.Overdue> overdue = checkouts.claimOverdue(saga.now(), BATCH);
                for (Checkouts.Overdue checkout : overdue) {
                    try (var span = tracing.resume(checkout.traceparent(), "checkout deadline")) {
                        saga.timeOut(checkout.checkoutId());
                    }
                }
                return overdue.size();
            });
        } while (swept != null && swept == BATCH);
    }
}
