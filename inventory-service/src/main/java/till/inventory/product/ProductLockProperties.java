package till.inventory.product;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import till.platform.Settings;

/**
 * How a write that finds its product row locked ({@code FOR UPDATE NOWAIT}) backs off and retries,
 * {@code till.inventory.lock.*}: a delay doubling from {@code initialDelay} up to {@code maxDelay}, each with up
 * to {@code jitter} added, at most {@code maxRetries} times and for at most {@code timeout} in all.
 */
@ConfigurationProperties("till.inventory.lock")
record ProductLockProperties(
        @DefaultValue("10") int maxRetries,
        @DefaultValue("10ms") Duration initialDelay,
        @DefaultValue("5ms") Duration jitter,
        @DefaultValue("400ms") Duration maxDelay,
        @DefaultValue("3s") Duration timeout) {

    ProductLockProperties {
        Settings.notNegative("till.inventory.lock.max-retries", maxRetries);
        Settings.positive("till.inventory.lock.initial-delay", initialDelay);
        Settings.notNegative("till.inventory.lock.jitter", jitter);
        Settings.positive("till.inventory.lock.max-delay", maxDelay);
        Settings.positive("till.inventory.lock.timeout", timeout);
    }
}
