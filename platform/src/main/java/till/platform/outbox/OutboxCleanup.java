package till.platform.outbox;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

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

    /**
     * The clean-up's statement. The cut-off is a constant PostgreSQL subtracts from {@code now()}, not a parameter:
     * every service connection keeps one generic plan per statement (ADR 5, round 11), and a generic plan for
     * {@code sent_at < ?} assumes a third of the sent rows match and may scan the whole table. From {@code now()}
     * and a constant the planner estimates the few rows past their retention and reads them by index.
     */
    static String deletion(Duration retention) {
        return "DELETE FROM outbox WHERE sent_at < now() - make_interval(secs => " + retention.toMillis()
                + " / 1000.0)";
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
