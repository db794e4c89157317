package till.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.jspecify.annotations.Nullable;
import till.contracts.InvalidMessageException;
import till.contracts.catalog.MessageTypes;
import till.platform.cloudevents.CloudEvent;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Whatever a client that may write a topic puts on it, a listener's parsing ({@link InboundMessages#read} and the
 * message record of its type) either yields a message or throws an {@link InvalidMessageException} naming why,
 * which the error policy sends to the dead-letter topic with that reason: never another exception, which would be
 * retried as if the fault were ours. Random values and valid messages of every contract type, mutated.
 */
class HostileMessagesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final InboundMessages MESSAGES = new InboundMessages(JSON);
    private static final List<String> TYPES = List.copyOf(MessageTypes.ALL.keySet());

    @Property(tries = 1500)
    void anyValueIsAMessageOrADeadLetterWithItsReason(
            @ForAll("hostileValues") @Nullable String value, @ForAll("keys") @Nullable String key) {
        parseLikeAListener(key, value, null);
    }

    @Property(tries = 3000)
    void aMutatedMessageOfEveryTypeIsAMessageOrADeadLetterWithItsReason(
            @ForAll("mutatedMessages") Keyed message, @ForAll("traceparents") @Nullable String traceparent) {
        parseLikeAListener(message.key(), message.value(), traceparent);
    }

    @Property(tries = 20)
    void aValueOverTheSizeLimitIsADeadLetterWithItsReason(@ForAll("types") String type) {
        ObjectNode event = validEvent(type, "k");
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

    private static void parseLikeAListener(@Nullable String key, @Nullable String value, @Nullable String traceparent) {
        try {
            CloudEvent event = MESSAGES.read(record(key, value, traceparent));
            Class<? extends Record> type = MessageTypes.ALL.get(event.type());
            if (type != null) {
                assertThat(MESSAGES.data(event, type)).isNotNull();
            }
        } catch (InvalidMessageException deadLetter) {
            assertThat(deadLetter.getMessage()).as("the dead letter's reason").isNotBlank();
        } catch (RuntimeException other) {
            throw new AssertionError("not an InvalidMessageException for key " + key + ", value " + value, other);
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

    record Keyed(@Nullable String key, String value) {}

    @Provide
    Arbitrary<String> hostileValues() {
        return Arbitraries.oneOf(
                        Arbitraries.strings().all().ofMaxLength(200),
                        Arbitraries.strings()
                                .withChars("{}[]\":,0123456789.eE-+ truefalsn\\u")
                                .ofMaxLength(200),
                        Arbitraries.of(
                                "",
                                " ",
                                "null",
                                "[]",
                                "{}",
                                "1",
                                "\"x\"",
                                "{\"data\":{}}",
                                "{\"specversion\":\"1.0\"}"),
                        Arbitraries.integers().between(1, 2000).map(depth -> "[".repeat(depth) + "]".repeat(depth)),
                        Arbitraries.integers()
                                .between(1, 2000)
                                .map(depth -> "{\"a\":".repeat(depth) + "1" + "}".repeat(depth)))
                .injectNull(0.02);
    }

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.strings().ofMaxLength(40).injectNull(0.1);
    }

    @Provide
    Arbitrary<String> types() {
        return Arbitraries.of(TYPES);
    }

    @Provide
    Arbitrary<String> traceparents() {
        return Arbitraries.oneOf(
                        Arbitraries.strings().all().ofMaxLength(60),
                        Arbitraries.strings().withChars("0123456789abcdef-").ofLength(55),
                        Arbitraries.just("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"))
                .injectNull(0.3);
    }

    /** A valid message of a random type, keyed by its subject, then changed in one of many ways. */
    @Provide
    Arbitrary<Keyed> mutatedMessages() {
        Arbitrary<String> subjects =
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(20);
        return Combinators.combine(types(), subjects, mutations()).as((type, subject, mutation) -> {
            ObjectNode event = validEvent(type, subject);
            return mutation.apply(event, subject);
        });
    }

    interface Mutation {
        Keyed apply(ObjectNode event, String subject);
    }

    private static Arbitrary<Mutation> mutations() {
        Arbitrary<String> envelopeFields =
                Arbitraries.of("specversion", "id", "type", "source", "subject", "time", "datacontenttype", "data");
        Arbitrary<String> dataFields = Arbitraries.of(
                "checkoutId",
                "productId",
                "customerId",
                "refundId",
                "paymentId",
                "adjustmentId",
                "quantity",
                "amountMinor",
                "unitPriceMinor",
                "totalMinor",
                "delta",
                "reason",
                "balanceAfterMinor",
                "kind",
                "reference",
                "onHand",
                "reserved",
                "extra");
        return Arbitraries.oneOf(
                Arbitraries.just((event, subject) -> new Keyed(subject, JSON.writeValueAsString(event))),
                Combinators.combine(envelopeFields, jsonValues()).as((field, value) -> (event, subject) -> {
                    event.set(field, value);
                    return new Keyed(subject, JSON.writeValueAsString(event));
                }),
                envelopeFields.map(field -> (event, subject) -> {
                    event.remove(field);
                    return new Keyed(subject, JSON.writeValueAsString(event));
                }),
                Combinators.combine(dataFields, jsonValues()).as((field, value) -> (event, subject) -> {
                    ((ObjectNode) event.get("data")).set(field, value);
                    return new Keyed(subject, JSON.writeValueAsString(event));
                }),
                dataFields.map(field -> (event, subject) -> {
                    ((ObjectNode) event.get("data")).remove(field);
                    return new Keyed(subject, JSON.writeValueAsString(event));
                }),
                Arbitraries.doubles().between(0, 1).map(cut -> (event, subject) -> {
                    String whole = JSON.writeValueAsString(event);
                    return new Keyed(subject, whole.substring(0, (int) (whole.length() * cut)));
                }),
                Combinators.combine(Arbitraries.doubles().between(0, 1), Arbitraries.chars())
                        .as((at, c) -> (event, subject) -> {
                            StringBuilder whole = new StringBuilder(JSON.writeValueAsString(event));
                            whole.setCharAt((int) (at * (whole.length() - 1)), c);
                            return new Keyed(subject, whole.toString());
                        }),
                Arbitraries.strings()
                        .ofMaxLength(20)
                        .map(other -> (event, subject) -> new Keyed(other, JSON.writeValueAsString(event))),
                Arbitraries.strings().ofMaxLength(60).map(type -> (event, subject) -> {
                    event.put("type", type);
                    return new Keyed(subject, JSON.writeValueAsString(event));
                }));
    }

    /** Any JSON value a hostile writer might put in a field. */
    private static Arbitrary<JsonNode> jsonValues() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(50).map(JSON.getNodeFactory()::stringNode),
                Arbitraries.of("", " ", "\u0000", "1.0", "-1", "1e400", "2026-13-45T25:61:61Z", "NaN")
                        .map(JSON.getNodeFactory()::stringNode),
                Arbitraries.longs().map(JSON.getNodeFactory()::numberNode),
                Arbitraries.of(0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, (long) Integer.MAX_VALUE + 1)
                        .map(JSON.getNodeFactory()::numberNode),
                Arbitraries.doubles().map(JSON.getNodeFactory()::numberNode),
                Arbitraries.bigIntegers()
                        .between(java.math.BigInteger.TEN.pow(30).negate(), java.math.BigInteger.TEN.pow(30))
                        .map(JSON.getNodeFactory()::numberNode),
                Arbitraries.of(true, false).map(JSON.getNodeFactory()::booleanNode),
                Arbitraries.just(JSON.getNodeFactory().nullNode()),
                Arbitraries.just(JSON.getNodeFactory().arrayNode()),
                Arbitraries.just(JSON.getNodeFactory().objectNode()));
    }

    /** A message of {@code type} as the platform writes it, every field of its record filled. */
    private static ObjectNode validEvent(String type, String subject) {
        ObjectNode data = JSON.createObjectNode();
        for (RecordComponent component : MessageTypes.ALL.get(type).getRecordComponents()) {
            Class<?> kind = component.getType();
            if (kind == String.class) {
                data.put(component.getName(), component.getName().equals(subjectField(type)) ? subject : "x-1");
            } else if (kind == Integer.class || kind == int.class || kind == Long.class || kind == long.class) {
                data.put(component.getName(), 2);
            } else if (kind.isEnum()) {
                data.put(component.getName(), ((Enum<?>) kind.getEnumConstants()[0]).name());
            } else {
                data.putNull(component.getName());
            }
        }
        return JSON.valueToTree(CloudEvent.create(type, "/till/test", subject, data));
    }

    private static final Map<String, String> SUBJECT_FIELDS =
            Map.of("inventory", "productId", "ledger", "customerId", "checkout", "checkoutId");

    private static String subjectField(String type) {
        return SUBJECT_FIELDS.getOrDefault(type.split("\\.")[1], "checkoutId");
    }
}
