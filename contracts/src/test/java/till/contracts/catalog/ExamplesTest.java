package till.contracts.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One example per message type ({@code examples/<type>.json}), each valid against its published schema: what the
 * services' consumer contract tests feed to their listeners, and what a consumer team can copy.
 */
class ExamplesTest {

    private static final Path SOURCE = Path.of("src/main/resources/examples");

    @Test
    void everyTypeHasExactlyOneExample() throws IOException {
        try (Stream<Path> files = Files.list(SOURCE)) {
            assertThat(files.map(f -> f.getFileName().toString().replaceAll("\\.json$", "")))
                    .containsExactlyInAnyOrderElementsOf(MessageTypes.ALL.keySet());
        }
    }

    @Test
    void everyExampleIsValidAgainstItsSchema() throws IOException {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        List<String> violations = new ArrayList<>();
        for (String type : MessageTypes.ALL.keySet()) {
            String example = resource("/examples/" + type + ".json");
            assertThat(example).as(type).contains("\"type\": \"" + type + "\"");
            try (InputStream schema = getClass().getResourceAsStream("/schemas/" + type + ".schema.json")) {
                registry.getSchema(schema)
                        .validate(example, InputFormat.JSON)
                        .forEach(e -> violations.add(type + ": " + e));
            }
        }
        assertThat(violations).isEmpty();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ExamplesTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
