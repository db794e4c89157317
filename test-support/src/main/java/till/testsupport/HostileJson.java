package till.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import till.contracts.catalog.MessageTypes;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Hostile JSON from one seed, so that a failing case replays: random documents, and mutations of a valid one
 * (fields dropped, renamed, given another type, huge, negative or fractional numbers, NUL and odd Unicode, deep
 * nesting, the text truncated, a byte flipped). {@link HostileCases} gives each case its own seeded instance.
 */
public final class HostileJson {

    /** A changed document: its text, what was done, and the field it was done to (null for the whole text). */
    public record Mutant(String text, String how, @Nullable String field) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JSON.getNodeFactory();

    /** Strings a parser or a database is known to trip on: NUL, controls, lone surrogates, RTL, a BOM, emoji. */
    private static final List<String> ODD_TEXT = List.of(
            "",
            " ",
            "\u0000",
            "a\u0000b",
            "\u0001\u001f\u007f",
            "\uD800",
            "\uDFFF\uD800",
            "\uFEFF",
            "\u202Eevil",
            "e\u0301\u0301\u0301",
            "\uFFFF\uFFFE",
            "😀🇫🇷",
            "\\u0000",
            "%00",
            "' OR '1'='1",
            "../../etc/passwd",
            "1e400",
            "-1",
            "NaN",
            "2026-13-45T25:61:61Z",
            "null");

    private static final List<Number> ODD_NUMBERS = List.of(
            0L,
            -1L,
            1L,
            Integer.MAX_VALUE,
            (long) Integer.MAX_VALUE + 1,
            Integer.MIN_VALUE,
            Long.MAX_VALUE,
            Long.MIN_VALUE,
            0.5,
            -0.0,
            1.0,
            2.5,
            1e-300,
            Double.MAX_VALUE,
            -Double.MAX_VALUE);

    private final SplittableRandom random;

    public HostileJson(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The contract's example of every message type (contracts, {@code examples/<type>.json}), valid as published. */
    public static List<String> contractExamples() {
        List<String> examples = new ArrayList<>();
        for (String type : MessageTypes.ALL.keySet()) {
            String name = "/examples/" + type + ".json";
            try (InputStream in = Objects.requireNonNull(
                    HostileJson.class.getResourceAsStream(name), () -> "no contract example " + name)) {
                examples.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return examples;
    }

    public int between(int least, int most) {
        return (int) random.nextLong(least, (long) most + 1);
    }

    public long anyLong() {
        return random.nextLong();
    }

    public boolean chance(double probability) {
        return random.nextDouble() < probability;
    }

    public <T> T pick(List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    /** Any text: printable, any code unit at all (lone surrogates included), or one of {@link #ODD_TEXT}. */
    public String text(int maxLength) {
        return switch (random.nextInt(4)) {
            case 0 -> pick(ODD_TEXT);
            case 1 -> chars(maxLength, ' ', '~');
            case 2 -> chars(maxLength, '\u0000', '\uFFFF');
            default -> pick(ODD_TEXT) + chars(maxLength, ' ', '~') + pick(ODD_TEXT);
        };
    }

    private String chars(int maxLength, char least, char most) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) random.nextInt(least, most + 1));
        }
        return text.toString();
    }

    /** A number a field may not expect: huge, negative, fractional, or at an integer type's edge. */
    public JsonNode number() {
        return switch (random.nextInt(5)) {
            case 0 -> NODES.numberNode(random.nextLong());
            case 1 -> NODES.numberNode(random.nextDouble(-1e6, 1e6));
            case 2 ->
                NODES.numberNode(BigInteger.TEN
                        .pow(between(19, 400))
                        .negate()
                        .add(BigInteger.valueOf(between(0, 9)))
                        .multiply(BigInteger.valueOf(chance(0.5) ? 1 : -1)));
            case 3 -> NODES.numberNode(new BigDecimal("0." + "0".repeat(between(0, 30)) + between(1, 9)));
            default -> {
                Number n = pick(ODD_NUMBERS);
                yield n instanceof Long l ? NODES.numberNode(l) : NODES.numberNode(n.doubleValue());
            }
        };
    }

    /** Any JSON value, at most {@code depth} levels deep. */
    public JsonNode value(int depth) {
        int kinds = depth <= 0 ? 5 : 7;
        return switch (random.nextInt(kinds)) {
            case 0 -> NODES.stringNode(text(60));
            case 1 -> number();
            case 2 -> NODES.booleanNode(chance(0.5));
            case 3 -> NODES.nullNode();
            case 4 -> chance(0.5) ? NODES.arrayNode() : NODES.objectNode();
            case 5 -> {
                ArrayNode array = NODES.arrayNode();
                for (int i = between(0, 4); i > 0; i--) {
                    array.add(value(depth - 1));
                }
                yield array;
            }
            default -> {
                ObjectNode object = NODES.objectNode();
                for (int i = between(0, 4); i > 0; i--) {
                    object.set(text(12), value(depth - 1));
                }
                yield object;
            }
        };
    }

    /** A value of another kind than {@code node}'s: a string for a number, an object for a string. */
    public JsonNode otherKind(JsonNode node) {
        for (int tries = 0; tries < 20; tries++) {
            JsonNode other = value(2);
            if (other.getNodeType() != node.getNodeType()) {
                return other;
            }
        }
        return node.isString() ? NODES.arrayNode() : NODES.stringNode("x");
    }

    /** Arrays or objects nested 1 to 3 000 deep, beyond any parser's default limit at the high end. */
    public String deepNesting() {
        int depth = chance(0.5) ? between(1, 100) : between(100, 3000);
        return chance(0.5) ? "[".repeat(depth) + "]".repeat(depth) : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    /** Any document: random JSON, deep nesting, JSON-like noise, random text, or a bare scalar. */
    public String document() {
        return switch (random.nextInt(5)) {
            case 0 -> JSON.writeValueAsString(value(4));
            case 1 -> deepNesting();
            case 2 -> noise(200);
            case 3 -> text(200);
            default -> pick(List.of("", " ", "null", "[]", "{}", "1", "\"x\"", "true", "{\"data\":{}}"));
        };
    }

    private String noise(int maxLength) {
        String alphabet = "{}[]\":,0123456789.eE-+ truefalsn\\u";
        int length = random.nextInt(maxLength + 1);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    /** {@code valid} changed in one way, drawn at random; now and then left as it is, so the valid path runs too. */
    public Mutant mutated(String valid) {
        JsonNode template = JSON.readTree(valid);
        List<String> fields = fieldPaths(template, "");
        int choice = random.nextInt(fields.isEmpty() ? 4 : 12);
        return switch (choice) {
            case 0 -> new Mutant(valid, "unchanged", null);
            case 1 -> truncated(valid);
            case 2 -> byteFlipped(valid);
            case 3 -> new Mutant(document(), "replaced by another document", null);
            default -> {
                String field = pick(fields);
                yield switch (choice) {
                    case 4 -> changed(template, field, null, "dropped");
                    case 5 -> renamed(template, field);
                    case 6 -> changed(template, field, otherKind(at(template, field)), "given another type");
                    case 7 -> changed(template, field, number(), "given an odd number");
                    case 8 -> changed(template, field, NODES.stringNode(text(300)), "given odd text");
                    case 9 -> changed(template, field, JSON.readTree(deepNesting(200)), "nested deep");
                    case 10 -> changed(template, field, NODES.stringNode("x".repeat(between(1_000, 100_000))), "huge");
                    default -> changed(template, field, value(3), "given any value");
                };
            }
        };
    }

    private String deepNesting(int most) {
        int depth = between(1, most);
        return "[".repeat(depth) + "]".repeat(depth);
    }

    private Mutant truncated(String valid) {
        int cut = random.nextInt(valid.length() + 1);
        return new Mutant(valid.substring(0, cut), "truncated at " + cut, null);
    }

    /** One bit of one UTF-8 byte flipped, read back as UTF-8 (an invalid sequence reads as U+FFFD). */
    private Mutant byteFlipped(String valid) {
        byte[] bytes = valid.getBytes(StandardCharsets.UTF_8);
        int at = random.nextInt(bytes.length);
        int bit = random.nextInt(8);
        bytes[at] ^= (byte) (1 << bit);
        return new Mutant(
                new String(bytes, StandardCharsets.UTF_8), "bit " + bit + " of byte " + at + " flipped", null);
    }

    private Mutant renamed(JsonNode template, String field) {
        JsonNode value = at(template, field);
        int split = Math.max(field.lastIndexOf('.'), field.lastIndexOf('['));
        JsonNode copy = template.deepCopy();
        JsonNode parent = split <= 0 ? copy : at(copy, field.substring(0, split));
        if (!(parent instanceof ObjectNode object) || field.endsWith("]")) {
            return changed(template, field, null, "dropped");
        }
        String last = field.substring(split + 1);
        object.remove(last);
        String other = chance(0.5) ? last.toUpperCase(java.util.Locale.ROOT) : last + "_" + text(4);
        object.set(other, value);
        return new Mutant(JSON.writeValueAsString(copy), "renamed to " + other, field);
    }

    /** {@code template} with the field at {@code path} set to {@code value}, or removed when it is null. */
    private static Mutant changed(JsonNode template, String path, @Nullable JsonNode value, String how) {
        JsonNode copy = template.deepCopy();
        int split = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        JsonNode parent = split <= 0 ? copy : at(copy, path.substring(0, split));
        String last = path.substring(split + 1).replace("]", "");
        if (parent instanceof ObjectNode object) {
            if (value == null) {
                object.remove(last);
            } else {
                object.set(last, value);
            }
        } else if (parent instanceof ArrayNode array) {
            int index = Integer.parseInt(last);
            if (value == null) {
                array.remove(index);
            } else {
                array.set(index, value);
            }
        }
        return new Mutant(JSON.writeValueAsString(copy), how, path);
    }

    /** Every field's path in {@code node}: {@code name}, {@code data.quantity}, {@code lines[0].quantity}. */
    static List<String> fieldPaths(JsonNode node, String prefix) {
        List<String> paths = new ArrayList<>();
        if (node.isObject()) {
            node.propertyNames().forEach(name -> {
                String path = prefix.isEmpty() ? name : prefix + "." + name;
                paths.add(path);
                paths.addAll(fieldPaths(node.get(name), path));
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String path = prefix + "[" + i + "]";
                paths.add(path);
                paths.addAll(fieldPaths(node.get(i), path));
            }
        }
        return paths;
    }

    private static JsonNode at(JsonNode root, String path) {
        JsonNode node = root;
        for (String step : path.replace("[", ".").replace("]", "").split("\\.")) {
            if (!step.isEmpty()) {
                node = step.chars().allMatch(Character::isDigit) ? node.get(Integer.parseInt(step)) : node.get(step);
            }
        }
        return node;
    }
}
