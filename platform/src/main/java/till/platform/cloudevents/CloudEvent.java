package till.platform.cloudevents;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import till.contracts.InvalidMessageException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A CloudEvents 1.0 envelope in structured JSON mode. {@code subject} is the Kafka key, so a console
 * consumer shows everything that routes the message.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CloudEvent(
        String specversion,
        String id,
        String type,
        String source,
        String subject,
        Instant time,
        String datacontenttype,
        JsonNode data) {

    public static final String SPEC_VERSION = "1.0";

    /**
     * The largest value a listener parses (docs/SPEC.md, Limits): Till's own messages are well under a kilobyte, and
     * a larger one from a hostile or broken writer goes to the dead-letter topic before it costs any parsing.
     */
    public static final int MAX_CHARACTERS = 64 * 1024;

    public static CloudEvent create(String type, String source, String subject, JsonNode data) {
        return new CloudEvent(
                SPEC_VERSION,
                UUID.randomUUID().toString(),
                type,
                source,
                subject,
                Instant.now(),
                "application/json",
                data);
    }

    /**
     * A message record as a CloudEvent's {@code data}, as Till writes it. An optional field the record leaves empty is
     * left out rather than written as {@code null}: the published schemas list such a field as optional, not nullable.
     */
    public static JsonNode dataOf(Object record, JsonMapper mapper) {
        JsonNode data = mapper.valueToTree(record);
        if (data instanceof ObjectNode object) {
            object.remove(object.properties().stream()
                    .filter(property -> property.getValue().isNull())
                    .map(Map.Entry::getKey)
                    .toList());
        }
        return data;
    }

    /** Parses and checks the envelope; anything unusable is an {@link InvalidMessageException} naming why. */
    public static CloudEvent parse(@Nullable String json, JsonMapper mapper) {
        if (json == null || json.isBlank()) {
            throw new InvalidMessageException("empty message value");
        }
        if (json.length() > MAX_CHARACTERS) {
            throw new InvalidMessageException(
                    "value is " + json.length() + " characters, more than the " + MAX_CHARACTERS + " allowed");
        }
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JacksonException e) {
            throw new InvalidMessageException("value is not JSON: " + e.getOriginalMessage(), e);
        }
        if (!root.isObject()) {
            throw new InvalidMessageException("value is not a JSON object");
        }
        String specversion = requiredText(root, "specversion");
        if (!SPEC_VERSION.equals(specversion)) {
            throw new InvalidMessageException("unsupported specversion '" + specversion + "'");
        }
        JsonNode data = root.get("data");
        if (data == null || !data.isObject()) {
            throw new InvalidMessageException("field 'data' must be a JSON object");
        }
        Instant time;
        try {
            time = root.hasNonNull("time") ? Instant.parse(root.get("time").asString()) : Instant.now();
        } catch (RuntimeException e) {
            throw new InvalidMessageException("field 'time' is not an RFC 3339 timestamp", e);
        }
        return new CloudEvent(
                specversion,
                requiredText(root, "id"),
                requiredText(root, "type"),
                requiredText(root, "source"),
                requiredText(root, "subject"),
                time,
                root.hasNonNull("datacontenttype") ? requiredText(root, "datacontenttype") : "application/json",
                data);
    }

    /** Binds {@code data} to a message record; a record's own checks reject invalid content. */
    public <T> T dataAs(Class<T> type, JsonMapper mapper) {
        try {
            return mapper.treeToValue(data, type);
        } catch (JacksonException e) {
            Throwable cause = e.getCause() instanceof InvalidMessageException invalid ? invalid : e;
            throw new InvalidMessageException(
                    "data of " + this.type + " is invalid: "
                            + (cause instanceof InvalidMessageException ? cause.getMessage() : e.getOriginalMessage()),
                    e);
        }
    }

    private static String requiredText(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || !node.isString() || node.asString().isBlank()) {
            throw new InvalidMessageException("field '" + field + "' is missing or blank");
        }
        if (node.asString().indexOf('\u0000') >= 0) {
            // PostgreSQL cannot store it (the inbox keeps the id): refused here, with the reason.
            throw new InvalidMessageException("field '" + field + "' contains the NUL character (U+0000)");
        }
        return node.asString();
    }
}
