package till.testsupport;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import till.contracts.catalog.MessageTypes;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks a message as Till publishes it against the JSON Schema the contracts publish for its type
 * ({@code schemas/<type>.schema.json}): what a team testing against Till's messages checks too.
 */
public final class MessageSchemas {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final Map<String, Schema> BY_TYPE = load();

    private MessageSchemas() {}

    private static Map<String, Schema> load() {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        Map<String, Schema> schemas = new HashMap<>();
        for (String type : MessageTypes.ALL.keySet()) {
            try (InputStream in = MessageTypes.class.getResourceAsStream("/schemas/" + type + ".schema.json")) {
                if (in == null) {
                    throw new IllegalStateException("no schema published for " + type);
                }
                schemas.put(type, registry.getSchema(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return schemas;
    }

    /** What is wrong with this record value against its type's schema; empty when it conforms. */
    public static List<String> violations(String value) {
        JsonNode message;
        try {
            message = MAPPER.readTree(value);
        } catch (JacksonException e) {
            return List.of("not JSON: " + e.getOriginalMessage());
        }
        String type = message.path("type").asString("");
        Schema schema = BY_TYPE.get(type);
        if (schema == null) {
            return List.of("type '" + type + "' has no published schema");
        }
        return schema.validate(message).stream()
                .map(error -> type + ": " + error)
                .toList();
    }
}
