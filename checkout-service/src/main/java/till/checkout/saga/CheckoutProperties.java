package till.checkout.saga;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import till.platform.Settings;

/**
 * The saga's settings, {@code till.checkout.*} (environment: {@code TILL_CHECKOUT_DEADLINE}, ...).
 *
 * @param deadline how long a checkout may stay PENDING before it is compensated and REJECTED TIMED_OUT
 * @param sweepInterval how often overdue checkouts are looked for
 */
@ConfigurationProperties("till.checkout")
public record CheckoutProperties(
        @DefaultValue("30s") Duration deadline,
        @DefaultValue("1s") Duration sweepInterval) {

    public CheckoutProperties {
        Settings.positive("till.checkout.deadline", deadline);
        Settings.positive("till.checkout.sweep-interval", sweepInterval);
    }
}
