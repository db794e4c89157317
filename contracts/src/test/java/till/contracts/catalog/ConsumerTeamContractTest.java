package till.contracts.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a team that consumes Till's messages writes: its own contract test against this artifact's schemas. The
 * README's section "Contract tests for consumer teams" shows the part between the {@code README} markers, and
 * {@link #theReadmeShowsThisTest} fails when the two differ, so the snippet cannot rot.
 */
class ConsumerTeamContractTest {

    // README: begin
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private Schema schemaOf(String type) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/schemas/" + type + ".schema.json")) {
            return registry.getSchema(in);
        }
    }

    @Test
    void theMessageMyServiceHandlesIsTills() throws IOException {
        String received = """
                {"specversion": "1.0", "id": "2f0c7a36-5d0e-4b7e-a0b1-7c1d2e3f4a5b",
                 "type": "till.checkout.CheckoutConfirmed", "source": "/till/checkout-service",
                 "subject": "5b1f3c1e-8f0a-4c39-9a7e-0d2c6f1b7a11", "time": "2026-11-30T10:15:00Z",
                 "data": {"checkoutId": "5b1f3c1e-8f0a-4c39-9a7e-0d2c6f1b7a11",
                          "customerId": "customer-ada", "totalMinor": 99800}}
                """;
        assertThat(schemaOf("till.checkout.CheckoutConfirmed").validate(received, InputFormat.JSON))
                .isEmpty();
    }
    // README: end

    @Test
    void aMessageWithoutItsDataFieldsIsRefused() throws IOException {
        String missingTotal = """
                {"specversion": "1.0", "id": "x", "type": "till.checkout.CheckoutConfirmed", "source": "/till/x",
                 "subject": "c", "data": {"checkoutId": "c", "customerId": "u"}}
                """;
        assertThat(schemaOf("till.checkout.CheckoutConfirmed").validate(missingTotal, InputFormat.JSON))
                .isNotEmpty();
    }

    @Test
    void theReadmeShowsThisTest() throws IOException {
        String source = Files.readString(
                Path.of("src/test/java/till/contracts/catalog/ConsumerTeamContractTest.java"), StandardCharsets.UTF_8);
        Matcher test = Pattern.compile("(?s)// README: begin\n(.*?)\n\\s*// README: end")
                .matcher(source);
        assertThat(test.find()).isTrue();
        String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
        assertThat(readme).contains(unindent(test.group(1)));
    }

    private static String unindent(String code) {
        try (Stream<String> lines = code.lines()) {
            return String.join(
                    "\n",
                    lines.map(l -> l.startsWith("    ") ? l.substring(4) : l).toList());
        }
    }
}
