package till.platform.outbox;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;
import till.platform.Retention;

/** Deletes sent rows past their retention ({@code till.outbox.retention}); unsent rows are never deleted. */
@Component
class OutboxCleanup implements SchedulingConfigurer {

    private static final Logger log = LoggerFactory.getLogger(OutboxCleanup.class);
    private static final Duration FIRST_RUN_AFTER = Duration.ofMinutes(1);

    private final JdbcClient jdbc;
    private final OutboxProperties properties;

    OutboxCleanup(JdbcClient jdbc, OutboxProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /** The clean-up's statement, its cut-off computed by PostgreSQL ({@link Retention#cutOff}). */
    static String deletion(Duration retention) {
        return "DELETE FROM outbox WHERE sent_at < " + Retention.cutOff(retention);
    }

    @Override
    public void configureTasks(ScheduledTaskRegistrar tasks) {
        tasks.addFixedDelayTask(
                new FixedDelayTask(this::deleteSentRows, properties.cleanupInterval(), FIRST_RUN_AFTER));
    }

    void deleteSentRows() {
        int deleted = jdbc.sql(deletion(properties.retention())).update();
        if (deleted > 0) {
            log.info("deleted {} outbox rows sent more than {} ago", deleted, properties.retention());
        }
    }
}
