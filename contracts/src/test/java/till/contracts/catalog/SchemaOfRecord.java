package till.contracts.catalog;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import till.contracts.InvalidMessageException;

/**
 * The JSON Schema (draft 2020-12) of one message type: the CloudEvent envelope as Till's consumers read it, and
 * its {@code data} as the record binds it. What each field requires is not written down twice: it is found by
 * building the record with that field missing, blank, zero or negative and seeing which its checks refuse.
 */
final class SchemaOfRecord {

    private SchemaOfRecord() {}

    static Map<String, Object> of(String type, Class<? extends Record> record) {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        schema.put("$id", "https://till.dev/schemas/" + type + ".schema.json");
        schema.put("title", type);
        schema.put(
                "description",
                "A " + type + " message as a CloudEvents 1.0 event in structured JSON mode. Fields not listed are"
                        + " ignored by Till's consumers.");
        schema.put("type", "object");
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("specversion", Map.of("const", "1.0"));
        properties.put("id", nonBlankText("unique per message; consumers deduplicate on it"));
        properties.put("type", Map.of("const", type));
        properties.put("source", nonBlankText("the service that sent it"));
        properties.put("subject", nonBlankText("the Kafka key: the id the topic is keyed by"));
        properties.put("time", ordered("type", "string", "format", "date-time"));
        properties.put("datacontenttype", Map.of("const", "application/json"));
        properties.put("data", data(record));
        schema.put("properties", properties);
        schema.put("required", List.of("specversion", "id", "type", "source", "subject", "data"));
        return schema;
    }

    private static Map<String, Object> data(Class<? extends Record> record) {
        RecordComponent[] components = record.getRecordComponents();
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            Class<?> javaType = component.getType();
            Map<String, Object> field = new LinkedHashMap<>();
            if (javaType == String.class) {
                field.put("type", "string");
                if (refuses(record, i, " ")) {
                    field.put("minLength", 1);
                    field.put("pattern", "\\S");
                }
            } else if (isWholeNumber(javaType)) {
                field.put("type", "integer");
                if (refuses(record, i, number(javaType, 0))) {
                    field.put("minimum", 1);
                } else if (refuses(record, i, number(javaType, -1))) {
                    field.put("minimum", 0);
                }
            } else if (javaType.isEnum()) {
                field.put("type", "string");
                field.put(
                        "enum",
                        Arrays.stream(javaType.getEnumConstants())
                                .map(c -> ((Enum<?>) c).name())
                                .toList());
            } else if (javaType == Boolean.class || javaType == boolean.class) {
                field.put("type", "boolean");
            } else {
                throw new IllegalStateException(record.getName() + "." + component.getName() + ": no JSON type for "
                        + javaType.getName() + " (add one here)");
            }
            if (javaType.isPrimitive() || refuses(record, i, null)) {
                required.add(component.getName());
            }
            properties.put(component.getName(), field);
        }
        return ordered(
                "type", "object",
                "properties", properties,
                "required", required);
    }

    /** Whether the record's checks refuse {@code value} in component {@code index}, every other one valid. */
    private static boolean refuses(Class<? extends Record> record, int index, Object value) {
        RecordComponent[] components = record.getRecordComponents();
        Object[] arguments = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            arguments[i] = i == index ? value : validSample(components[i].getType());
        }
        try {
            Constructor<? extends Record> canonical = record.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
            canonical.newInstance(arguments);
            return false;
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof InvalidMessageException) {
                return true;
            }
            throw new IllegalStateException(record.getName() + " threw something other than a refusal", e);
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
            throw new IllegalStateException("could not build " + record.getName(), e);
        }
    }

    private static Object validSample(Class<?> type) {
        if (type == String.class) {
            return "x";
        }
        if (isWholeNumber(type)) {
            return number(type, 1);
        }
        if (type.isEnum()) {
            return type.getEnumConstants()[0];
        }
        if (type == Boolean.class || type == boolean.class) {
            return Boolean.TRUE;
        }
        throw new IllegalStateException("no sample for " + type.getName());
    }

    private static boolean isWholeNumber(Class<?> type) {
        return type == Integer.class || type == int.class || type == Long.class || type == long.class;
    }

    private static Object number(Class<?> type, int value) {
        return type == Long.class || type == long.class ? (Object) (long) value : (Object) value;
    }

    private static Map<String, Object> nonBlankText(String description) {
        return ordered("type", "string", "minLength", 1, "description", description);
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** Two-space indented JSON, one key per line, in insertion order: stable, so a diff shows a drift. */
    static String json(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, "");
        return out.append('\n').toString();
    }

    private static void write(Object value, StringBuilder out, String indent) {
        if (value instanceof Map<?, ?> map) {
            out.append("{\n");
            int n = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(indent)
                        .append("  ")
                        .append(quote(e.getKey().toString()))
                        .append(": ");
                write(e.getValue(), out, indent + "  ");
                out.append(++n < map.size() ? ",\n" : "\n");
            }
            out.append(indent).append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                write(list.get(i), out, indent);
                if (i + 1 < list.size()) {
                    out.append(", ");
                }
            }
            out.append(']');
        } else if (value instanceof String s) {
            out.append(quote(s));
        } else {
            out.append(value);
        }
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
