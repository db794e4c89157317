package till.platform.inbox;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import till.platform.Retention;
import till.platform.cloudevents.CloudEvent;

/**
 * Records the id of every applied message in the transaction that applies it. A message seen before is
 * acknowledged and skipped. Ids are kept for {@code till.inbox.retention} (default 7 days, {@link InboxProperties}), far longer than
 * any redelivery: after that a replayed message is deduplicated only by the business keys (reservation per
 * checkout and product, ledger entry per kind and reference), which every handler also enforces.
 */
@Component
@EnableConfigurationProperties(InboxProperties.class)
public class Inbox implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(Inbox.class);

    private static final Duration FIRST_CLEANUP_AFTER = Duration.ofMinutes(1);

    private final JdbcClient jdbc;
    private final InboxProperties properties;

    Inbox(JdbcClient jdbc, InboxProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        tasks.addFixedDelayTask(
                new FixedDelayTask(this::forgetOldIds, properties.cleanupInterval(), FIRST_CLEANUP_AFTER));
    }

    /** True the first time this message is seen; must run in the transaction that applies it. */
    public boolean firstDelivery(CloudEvent message) {
        return firstDeliveries(List.of(message)).contains(message.id());
    }

    /**
     * The ids among these messages seen for the first time, recorded in one statement; must run in the
     * transaction that applies them. An id that occurs twice in the list is in the set once: a caller applies a
     * message only when {@code firstSeen.remove(message.id())} is true, so the repeat is skipped as a redelivery.
     */
    public Set<String> firstDeliveries(List<CloudEvent> messages) {
        // A direct check rather than @Transactional(MANDATORY), whose interceptor looked up the transaction manager
        // on every message (ADR 5, round 6).
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalTransactionStateException(
                    "the inbox is written only inside the transaction that applies the message");
        }
        if (messages.isEmpty()) {
            return new HashSet<>();
        }
        Set<String> firstSeen = new HashSet<>(jdbc.sql("""
                        INSERT INTO inbox (message_id, message_type)
                        SELECT message_id, message_type FROM unnest(?::text[], ?::text[]) AS m (message_id, message_type)
                        ON CONFLICT (message_id) DO NOTHING
                        RETURNING message_id
                        """)
                .params(
                        messages.stream().map(CloudEvent::id).toArray(String[]::new),
                        messages.stream().map(CloudEvent::type).toArray(String[]::new))
                .query(String.class)
                .list());
        Set<String> reported = new HashSet<>();
        for (CloudEvent message : messages) {
            if (!firstSeen.contains(message.id()) || !reported.add(message.id())) {
                log.info("skipping redelivered message {} ({})", message.id(), message.type());
            }
        }
        return firstSeen;
    }

    void forgetOldIds() {
        jdbc.sql(forgetting(properties.retention())).update();
    }

    /** The clean-up's statement, its cut-off computed by PostgreSQL ({@link Retention#cutOff}). */
    static String forgetting(Duration retention) {
        return "DELETE FROM inbox WHERE received_at < " + Retention.cutOff(retention);
    }
}
