package till.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Any Spring Boot application with the platform on its class path gets the shared settings, early enough for its
 * logging: each line carries the trace id and the message's subject.
 */
@ExtendWith(OutputCaptureExtension.class)
class PlatformDefaultsTest {

    @Configuration(proxyBeanMethods = false)
    static class AnyApplication {}

    @Test
    void theSharedSettingsReachTheLogPatternAndTheKafkaListeners(CapturedOutput output) {
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(AnyApplication.class)
                .web(WebApplicationType.NONE)
                .run()) {
            MDC.put("traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
            MDC.put("subject", "espresso");
            try {
                LoggerFactory.getLogger(PlatformDefaultsTest.class).info("a line of a sale");
            } finally {
                MDC.clear();
            }
            assertThat(output.getOut())
                    .containsPattern("\\[4bf92f3577b34da6a3ce929d0e0e4736 espresso \\] .*a line of a sale");
            assertThat(context.getEnvironment().getProperty("spring.kafka.listener.ack-mode"))
                    .isEqualTo("time");
        }
    }
}
