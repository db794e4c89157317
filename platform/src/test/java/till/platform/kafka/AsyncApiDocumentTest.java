package till.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import till.contracts.catalog.MessageTypes;

/**
 * The contracts' {@code asyncapi.yaml} names every topic Till declares and every message type it has, each type on
 * one topic, with the schema published beside it.
 */
class AsyncApiDocumentTest {

    @SuppressWarnings("unchecked")
    private static Map<String, Object> document() throws IOException {
        try (InputStream in = MessageTypes.class.getResourceAsStream("/asyncapi.yaml")) {
            assertThat(in).as("asyncapi.yaml in the contracts jar").isNotNull();
            return new Yaml().load(in);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyTopicIsAChannelAndEveryTypeIsOnOneTopic() throws IOException {
        Map<String, Object> document = document();
        assertThat(document.get("asyncapi")).isEqualTo("3.0.0");
        Map<String, Map<String, Object>> channels = (Map<String, Map<String, Object>>) document.get("channels");
        Set<String> addresses = new HashSet<>();
        List<String> typesOnTopics = new ArrayList<>();
        for (Map<String, Object> channel : channels.values()) {
            String address = (String) channel.get("address");
            addresses.add(address);
            Map<String, Map<String, String>> messages = (Map<String, Map<String, String>>) channel.get("messages");
            if (!address.endsWith(".DLT")) {
                messages.values()
                        .forEach(ref -> typesOnTopics.add(ref.get("$ref").replace("#/components/messages/", "")));
            }
        }
        assertThat(addresses).containsExactlyInAnyOrderElementsOf(Topics.ALL);
        assertThat(typesOnTopics).containsExactlyInAnyOrderElementsOf(MessageTypes.ALL.keySet());
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachMessagesPayloadIsItsPublishedSchema() throws IOException {
        Map<String, Object> components = (Map<String, Object>) document().get("components");
        Map<String, Map<String, Object>> messages = (Map<String, Map<String, Object>>) components.get("messages");
        for (String type : MessageTypes.ALL.keySet()) {
            Map<String, String> payload =
                    (Map<String, String>) messages.get(type).get("payload");
            String schema = payload.get("$ref");
            assertThat(schema).isEqualTo("schemas/" + type + ".schema.json");
            assertThat(MessageTypes.class.getResource("/" + schema)).as(schema).isNotNull();
        }
    }
}
