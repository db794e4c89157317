package till.checkout.saga;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** {@code till.checkout.*}: the saga's defaults, the names they bind from, and settings it cannot run with. */
class CheckoutPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(CheckoutProperties.class)
    static class Settings {}

    private final ApplicationContextRunner context =
            new ApplicationContextRunner().withUserConfiguration(Settings.class);

    @Test
    void unsetPropertiesTakeTheDefaults() {
        context.run(started -> assertThat(started.getBean(CheckoutProperties.class))
                .isEqualTo(new CheckoutProperties(Duration.ofSeconds(30), Duration.ofSeconds(1))));
    }

    @Test
    void setPropertiesAreBoundUnderTheirNames() {
        context.withPropertyValues("till.checkout.deadline=2s", "till.checkout.sweep-interval=200ms")
                .run(started -> assertThat(started.getBean(CheckoutProperties.class))
                        .isEqualTo(new CheckoutProperties(Duration.ofSeconds(2), Duration.ofMillis(200))));
    }

    @Test
    void settingsTheSagaCannotRunWithStopTheStartup() {
        for (String invalid : new String[] {"till.checkout.deadline=0s", "till.checkout.sweep-interval=-1s"}) {
            context.withPropertyValues(invalid)
                    .run(started -> assertThat(started).as(invalid).hasFailed());
        }
    }
}
