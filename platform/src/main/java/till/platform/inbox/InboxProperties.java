package till.platform.inbox;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import till.platform.Settings;

/**
 * The inbox's settings, {@code till.inbox.*}.
 *
 * @param retention how long an applied message's id is kept, far longer than any redelivery
 * @param cleanupInterval how often ids past their retention are deleted
 */
@ConfigurationProperties("till.inbox")
record InboxProperties(
        @DefaultValue("7d") Duration retention,
        @DefaultValue("1h") Duration cleanupInterval) {

    InboxProperties {
        Settings.positive("till.inbox.retention", retention);
        Settings.positive("till.inbox.cleanup-interval", cleanupInterval);
    }
}
