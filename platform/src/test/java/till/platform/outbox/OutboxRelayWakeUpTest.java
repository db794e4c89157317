package till.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Pure logic, no broker or database: the relay is never started, so nothing connects. */
class OutboxRelayWakeUpTest {

    @Test
    void commitsSeenByARelayThatIsNotTakingWakeUpsLeaveAtMostOnePending() {
        OutboxRelay follower = new OutboxRelay(
                new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:9/never-connected"),
                new KafkaTemplate<>(new DefaultKafkaProducerFactory<String, String>(java.util.Map.of())),
                JsonMapper.builder().build(),
                new SimpleMeterRegistry(),
                OutboxProperties.of(10, 10, Duration.ofMillis(200), false));

        for (int commit = 0; commit < 100_000; commit++) {
            follower.wakeUp();
        }

        // Counting every one would overflow the semaphore after 2^31 commits (weeks at 1,000 commits/s).
        assertThat(follower.pendingWakeUps()).isEqualTo(1);
    }
}
