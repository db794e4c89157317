package till.checkout.saga;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * {@code till.checkout.duration}: how long each checkout took from its start to its decision, tagged with the
 * outcome ({@code status} CONFIRMED or REJECTED, and the rejection's {@code reason}, or {@code none}). Its count
 * is the number of outcomes, so one timer serves both "how slow" and "how many rejected, and why".
 */
@Component
class SagaMetrics {

    private final MeterRegistry meters;

    SagaMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /**
     * Records a checkout that has just left PENDING, once its transaction commits (a rolled-back decision is
     * applied again from the redelivered reply, and counted then). Its start is its deadline less the deadline
     * it was given, which spares the hot path a read of {@code created_at}.
     */
    void decided(Checkout checkout, Duration deadline, Instant now) {
        Duration took = Duration.between(checkout.deadline().minus(deadline), now);
        Timer timer = Timer.builder("till.checkout.duration")
                .description("from a checkout's start to its decision, by outcome")
                .tag("status", checkout.status().name())
                .tag(
                        "reason",
                        checkout.reason() == null ? "none" : checkout.reason().name())
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(meters);
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    timer.record(took.isNegative() ? Duration.ZERO : took);
                }
            });
        } else {
            timer.record(took.isNegative() ? Duration.ZERO : took);
        }
    }
}
