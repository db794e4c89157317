package till.platform.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/** {@code till.outbox.*}: the defaults the relay always had, and settings it cannot run with refused at startup. */
class OutboxPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(OutboxProperties.class)
    static class Settings {}

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Settings.class);

    @Test
    void unsetPropertiesTakeTheRelaysDefaults() {
        context.run(started -> assertThat(started.getBean(OutboxProperties.class))
                .isEqualTo(new OutboxProperties(
                        500,
                        2000,
                        Duration.ofMillis(200),
                        Duration.ofMillis(100),
                        Duration.ofHours(24),
                        Duration.ofMinutes(10),
                        OutboxProperties.Relay.of(true, true, ""))));
    }

    @Test
    void setPropertiesAreBoundUnderTheirNames() {
        context.withPropertyValues(
                        "till.outbox.batch-size=100",
                        "till.outbox.max-in-flight=400",
                        "till.outbox.poll-interval=50ms",
                        "till.outbox.mark-delay=0ms",
                        "till.outbox.retention=1h",
                        "till.outbox.cleanup-interval=1m",
                        "till.outbox.relay.enabled=false",
                        "till.outbox.relay.direct-hand-over=false",
                        "till.outbox.relay.transactional-id=shop-relay",
                        "till.outbox.relay.transaction-timeout=2m")
                .run(started -> assertThat(started.getBean(OutboxProperties.class))
                        .isEqualTo(new OutboxProperties(
                                100,
                                400,
                                Duration.ofMillis(50),
                                Duration.ZERO,
                                Duration.ofHours(1),
                                Duration.ofMinutes(1),
                                new OutboxProperties.Relay(false, false, "shop-relay", Duration.ofMinutes(2)))));
    }

    @Test
    void aPipelineNarrowerThanAPageIsWidenedToOne() {
        context.withPropertyValues("till.outbox.batch-size=100", "till.outbox.max-in-flight=10")
                .run(started -> assertThat(
                                started.getBean(OutboxProperties.class).maxInFlight())
                        .isEqualTo(100));
    }

    @Test
    void settingsTheRelayCannotRunWithStopTheStartup() {
        for (String invalid : new String[] {
            "till.outbox.batch-size=0",
            "till.outbox.max-in-flight=-1",
            "till.outbox.poll-interval=0ms",
            "till.outbox.mark-delay=-1ms",
            "till.outbox.retention=-1h",
            "till.outbox.cleanup-interval=0s",
            "till.outbox.relay.transaction-timeout=0s"
        }) {
            context.withPropertyValues(invalid)
                    .run(started -> assertThat(started).as(invalid).hasFailed());
        }
    }
}
