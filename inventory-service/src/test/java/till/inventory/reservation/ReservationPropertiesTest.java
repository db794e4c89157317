package till.inventory.reservation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** {@code till.inventory.reservation.*}: the hold limit's default, the name it binds from, and limits refused. */
class ReservationPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ReservationProperties.class)
    static class Settings {}

    private final ApplicationContextRunner context =
            new ApplicationContextRunner().withUserConfiguration(Settings.class);

    @Test
    void theHoldLimitIsACheckoutsDefaultDeadlineAndAMinute() {
        context.run(started -> assertThat(started.getBean(ReservationProperties.class))
                .isEqualTo(new ReservationProperties(Duration.ofSeconds(90))));
    }

    @Test
    void theHoldLimitIsBoundUnderItsName() {
        context.withPropertyValues("till.inventory.reservation.hold-limit=3m")
                .run(started -> assertThat(started.getBean(ReservationProperties.class))
                        .isEqualTo(new ReservationProperties(Duration.ofMinutes(3))));
    }

    @Test
    void aLimitThatIsNotPositiveStopsTheStartup() {
        for (String invalid :
                new String[] {"till.inventory.reservation.hold-limit=0s", "till.inventory.reservation.hold-limit=-1s"
                }) {
            context.withPropertyValues(invalid)
                    .run(started -> assertThat(started).as(invalid).hasFailed());
        }
    }
}
