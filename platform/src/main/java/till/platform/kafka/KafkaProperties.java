package till.platform.kafka;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import till.platform.Settings;

/**
 * Till's own Kafka settings, {@code till.*}, beside Spring Boot's {@code spring.kafka.*}.
 *
 * @param topics how the SPEC's topics are declared
 * @param listener how a listener retries a message that failed for a reason a retry can fix
 */
@ConfigurationProperties("till")
record KafkaProperties(
        @DefaultValue Topics topics, @DefaultValue Listener listener) {

    /**
     * @param partitions partitions of each topic a service declares on an empty broker (12: product, customer and
     *     checkout keys spread over the consumers); an existing topic is left as it is
     */
    record Topics(@DefaultValue("12") int partitions) {
        Topics {
            Settings.positive("till.topics.partitions", partitions);
        }
    }

    /**
     * @param maxRetries retries in place before a message goes to its dead-letter topic
     * @param initialBackoffMs the first pause, doubled at each retry up to 5 s
     */
    record Listener(
            @DefaultValue("8") int maxRetries,
            @DefaultValue("100") int initialBackoffMs) {
        Listener {
            Settings.notNegative("till.listener.max-retries", maxRetries);
            Settings.positive("till.listener.initial-backoff-ms", initialBackoffMs);
        }
    }
}
