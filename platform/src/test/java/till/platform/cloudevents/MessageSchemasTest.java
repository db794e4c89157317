package till.platform.cloudevents;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import till.contracts.inventory.ReserveStock;
import till.testsupport.MessageSchemas;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** A CloudEvent as the platform writes it conforms to its published schema, and the schema refuses what the record does. */
class MessageSchemasTest {

    private final JsonMapper mapper = JsonMapper.builder().build();

    private String reserve(ObjectNode data) {
        return mapper.writeValueAsString(CloudEvent.create(ReserveStock.TYPE, "checkout-service", "p-1", data));
    }

    private ObjectNode data() {
        return (ObjectNode) CloudEvent.dataOf(new ReserveStock("c-1", "p-1", 2), mapper);
    }

    @Test
    void aMessageAsThePlatformWritesItConforms() {
        assertThat(MessageSchemas.violations(reserve(data()))).isEmpty();
    }

    @Test
    void whatTheRecordRefusesTheSchemaRefuses() {
        assertThat(MessageSchemas.violations(reserve(data().put("quantity", 0))))
                .isNotEmpty();
        assertThat(MessageSchemas.violations(reserve(data().put("productId", " "))))
                .isNotEmpty();
        ObjectNode missing = data();
        missing.remove("checkoutId");
        assertThat(MessageSchemas.violations(reserve(missing))).isNotEmpty();
        assertThat(MessageSchemas.violations(
                        reserve(data()).replace("\"specversion\":\"1.0\"", "\"specversion\":\"0.3\"")))
                .isNotEmpty();
    }

    @Test
    void anOptionalFieldLeftEmptyIsLeftOutAndOneGivenConforms() {
        assertThat(data().has("quotedUnitPriceMinor")).isFalse();
        ObjectNode quoted = (ObjectNode) CloudEvent.dataOf(new ReserveStock("c-1", "p-1", 2, 49_900L), mapper);
        assertThat(MessageSchemas.violations(reserve(quoted))).isEmpty();
        assertThat(MessageSchemas.violations(reserve(quoted.put("quotedUnitPriceMinor", -1))))
                .isNotEmpty();
    }

    @Test
    void aTypeWithoutASchemaIsReported() {
        String unknown = mapper.writeValueAsString(CloudEvent.create("till.inventory.Nope", "x", "p-1", data()));
        assertThat(MessageSchemas.violations(unknown))
                .containsExactly("type 'till.inventory.Nope' has no published schema");
    }
}
