package till.contracts.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The published schemas ({@code src/main/resources/schemas}) are the records' own: a record changed without its
 * schema, a schema left without its record, or a record missing from {@link MessageTypes} fails the build. To
 * write the schemas again from the records: {@code ./mvnw -pl contracts test -Dtill.schemas.write=true}.
 */
class SchemasTest {

    private static final Path SOURCE = Path.of("src/main/resources/schemas");

    @Test
    void everyMessageRecordIsListed() throws IOException, URISyntaxException {
        Path classes = Path.of(MessageTypes.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .resolve("till/contracts");
        Set<String> withAType = new TreeSet<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = "till.contracts."
                        + classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = loadClass(name);
                boolean hasType = type.isRecord()
                        && Stream.of(type.getDeclaredFields())
                                .anyMatch(f -> f.getName().equals("TYPE") && Modifier.isStatic(f.getModifiers()));
                if (hasType) {
                    withAType.add(type.getName());
                }
            }
        }
        Set<String> listed =
                MessageTypes.ALL.values().stream().map(Class::getName).collect(Collectors.toCollection(TreeSet::new));
        assertThat(listed).isEqualTo(withAType);
        MessageTypes.ALL.forEach((type, record) -> assertThat(typeOf(record)).isEqualTo(type));
    }

    @Test
    void eachSchemaIsItsRecords() throws IOException {
        boolean write = Boolean.getBoolean("till.schemas.write");
        List<String> drifted = new ArrayList<>();
        for (Map.Entry<String, Class<? extends Record>> message : MessageTypes.ALL.entrySet()) {
            String expected = SchemaOfRecord.json(SchemaOfRecord.of(message.getKey(), message.getValue()));
            String file = message.getKey() + ".schema.json";
            if (write) {
                Files.createDirectories(SOURCE);
                Files.writeString(SOURCE.resolve(file), expected);
            } else if (!expected.equals(published(file))) {
                drifted.add(file);
            }
        }
        assertThat(drifted)
                .as("schemas that no longer match their records; write them again with"
                        + " ./mvnw -pl contracts test -Dtill.schemas.write=true and review the diff")
                .isEmpty();
    }

    @Test
    void noSchemaOutlivesItsRecord() throws IOException {
        try (Stream<Path> files = Files.list(SOURCE)) {
            assertThat(files.map(f -> f.getFileName().toString().replaceAll("\\.schema\\.json$", "")))
                    .containsExactlyInAnyOrderElementsOf(MessageTypes.ALL.keySet());
        }
    }

    @Test
    void aFieldsChecksAreWhatItsSchemaRequires() {
        // One worked example, so that a mistake in how checks are found cannot pass unnoticed.
        Map<String, Object> schema =
                SchemaOfRecord.of("till.inventory.ReserveStock", MessageTypes.ALL.get("till.inventory.ReserveStock"));
        String json = SchemaOfRecord.json(schema);
        assertThat(json)
                .contains("\"checkoutId\": {\n          \"type\": \"string\",\n          \"minLength\": 1")
                .contains("\"quantity\": {\n          \"type\": \"integer\",\n          \"minimum\": 1\n")
                .contains("\"required\": [\"checkoutId\", \"productId\", \"quantity\"]");
    }

    private static String published(String file) throws IOException {
        try (InputStream in = SchemasTest.class.getResourceAsStream("/schemas/" + file)) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String typeOf(Class<?> record) {
        try {
            return (String) record.getField("TYPE").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Class<?> loadClass(String name) {
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
