package till.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import till.contracts.InvalidMessageException;
import till.contracts.catalog.MessageTypes;
import till.platform.cloudevents.CloudEvent;
import till.testsupport.HostileCases;
import till.testsupport.HostileJson;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Whatever a client that may write a topic puts on it, a listener's parsing ({@link InboundMessages#read} and the
 * message record of its type) either yields a message or throws an {@link InvalidMessageException} naming why,
 * which the error policy sends to the dead-letter topic with that reason: never another exception, which would be
 * retried as if the fault were ours. Random values, and the contract's example of every type, mutated.
 */
class HostileMessagesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final InboundMessages MESSAGES =
            new InboundMessages(JSON, new SimpleMeterRegistry(), new Tracing(Tracer.NOOP, Propagator.NOOP));
    private static final List<String> EXAMPLES = HostileJson.contractExamples();
    private static final String VALID_TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    @Test
    void anyValueIsAMessageOrADeadLetterWithItsReason() {
        HostileCases.run("hostile values", 5000, Duration.ofSeconds(60), (hostile, number) -> {
            String value = hostile.chance(0.02) ? null : hostile.document();
            String key = hostile.chance(0.1) ? null : hostile.text(40);
            return parseLikeAListener(key, value, null);
        });
    }

    @Test
    void aMutatedExampleOfEveryTypeIsAMessageOrADeadLetterWithItsReason() {
        HostileCases.run("mutated contract examples", 10000, Duration.ofSeconds(60), (hostile, number) -> {
            String example = EXAMPLES.get(number % EXAMPLES.size());
            String key = JSON.readTree(example).path("subject").asString();
            if (hostile.chance(0.1)) {
                key = hostile.chance(0.2) ? null : hostile.text(20);
            }
            String traceparent = switch (hostile.between(0, 3)) {
                case 0 -> null;
                case 1 -> VALID_TRACEPARENT;
                case 2 -> hostile.text(60);
                default -> hostile.mutated("\"" + VALID_TRACEPARENT + "\"").text();
            };
            return parseLikeAListener(key, hostile.mutated(example).text(), traceparent);
        });
    }

    @Test
    void aValueOverTheSizeLimitIsADeadLetterWithItsReason() {
        for (String example : EXAMPLES) {
            ObjectNode event = (ObjectNode) JSON.readTree(example);
            ((ObjectNode) event.get("data")).put("padding", "x".repeat(CloudEvent.MAX_CHARACTERS));
            try {
                MESSAGES.read(record("k", JSON.writeValueAsString(event), null));
                fail("a value over " + CloudEvent.MAX_CHARACTERS + " characters was read");
            } catch (InvalidMessageException expected) {
                assertThat(expected.getMessage()).contains("characters");
            } finally {
                MESSAGES.done();
            }
        }
    }

    /** Null when the value was a message or a dead letter with a reason; else what went wrong. */
    private static @Nullable String parseLikeAListener(
            @Nullable String key, @Nullable String value, @Nullable String traceparent) {
        try {
            CloudEvent event = MESSAGES.read(record(key, value, traceparent));
            Class<? extends Record> type = MessageTypes.ALL.get(event.type());
            if (type != null && MESSAGES.data(event, type) == null) {
                return "no data read from " + abbreviated(value);
            }
            return null;
        } catch (InvalidMessageException deadLetter) {
            String reason = deadLetter.getMessage();
            return reason == null || reason.isBlank()
                    ? "a dead letter without a reason for " + abbreviated(value)
                    : null;
        } catch (RuntimeException other) {
            return "not an InvalidMessageException but " + other + " for key " + key + ", value " + abbreviated(value)
                    + ", traceparent " + traceparent;
        } finally {
            MESSAGES.done();
        }
    }

    private static ConsumerRecord<String, String> record(
            @Nullable String key, @Nullable String value, @Nullable String traceparent) {
        ConsumerRecord<String, String> record = new ConsumerRecord<>("inventory.commands", 0, 0L, key, value);
        if (traceparent != null) {
            record.headers().add(new RecordHeader(Tracing.TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8)));
        }
        return record;
    }

    private static @Nullable String abbreviated(@Nullable String text) {
        return text == null || text.length() <= 500 ? text : text.substring(0, 500) + "…";
    }
}
