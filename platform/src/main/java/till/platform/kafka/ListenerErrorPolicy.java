package till.platform.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;
import till.contracts.InvalidMessageException;

/**
 * One error policy for every listener. A message no retry can fix (not JSON, unknown type, invalid data) goes
 * straight to {@code <topic>.DLT}; anything else (a lock conflict, the database briefly away) is retried in
 * place with exponential backoff, which keeps the partition's order, and goes to the DLT only when retries are
 * exhausted. The DLT record keeps the key and carries the reason, the exception and the source
 * topic/partition/offset in headers; the partition then moves on. Nothing is skipped silently.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(KafkaProperties.class)
class ListenerErrorPolicy {

    /** Header with a one-line, human-readable reason, beside Spring Kafka's {@code kafka_dlt-*} headers. */
    static final String REASON_HEADER = "till-dlt-reason";

    @Bean
    DefaultErrorHandler listenerErrorHandler(KafkaOperations<String, String> kafka, KafkaProperties properties) {
        KafkaProperties.Listener retries = properties.listener();
        var deadLetters = new DeadLetterPublishingRecoverer(
                kafka, (record, exception) -> new TopicPartition(Topics.deadLetter(record.topic()), -1));
        deadLetters.setHeadersFunction((record, exception) -> {
            Throwable root = rootCause(exception);
            String reason = root instanceof InvalidMessageException ? root.getMessage() : root.toString();
            return new RecordHeaders(new RecordHeader[] {
                new RecordHeader(REASON_HEADER, String.valueOf(reason).getBytes(StandardCharsets.UTF_8))
            });
        });
        var backOff = new ExponentialBackOffWithMaxRetries(retries.maxRetries());
        backOff.setInitialInterval(retries.initialBackoffMs());
        backOff.setMultiplier(2.0);
        backOff.setMaxInterval(5_000);
        var handler = new DefaultErrorHandler(deadLetters, backOff);
        handler.addNotRetryableExceptions(InvalidMessageException.class);
        return handler;
    }

    private static Throwable rootCause(Throwable exception) {
        Throwable cause = exception;
        while (cause.getCause() != null && cause.getCause() != cause) {
            if (cause instanceof InvalidMessageException) {
                return cause;
            }
            cause = cause.getCause();
        }
        return cause;
    }
}
