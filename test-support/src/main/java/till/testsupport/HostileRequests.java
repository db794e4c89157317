package till.testsupport;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Thousands of random and mutated requests at a running service's REST endpoints, each answered, as the SPEC
 * promises, with a status below 500 and, when refused, problem+json: a hostile till can make a service say no but
 * never fail. Each endpoint is given by a valid request; jqwik's arbitraries change its path, headers and body
 * (fields replaced by any JSON value, removed, added, the text cut or garbled, random text). The requests are drawn
 * outside a jqwik property because the service belongs to Spring's JUnit extension; a failure names the request.
 */
public final class HostileRequests {

    /**
     * A valid request of an endpoint: {@code {id}} in the path is replaced by random ids, and each of its headers is
     * sent with random values or left out.
     */
    public record Endpoint(
            String method, String path, @Nullable String body, Map<String, String> headers) {}

    /** One request sent and what came back. */
    public record Exchange(
            String method,
            String path,
            @Nullable String body,
            Map<String, String> headers,
            int status,
            String contentType,
            String answer) {

        @Override
        public String toString() {
            return method + " " + path + " " + headers + " " + abbreviated(body) + " -> " + status + " " + contentType
                    + " " + abbreviated(answer);
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String baseUrl;
    private final TestCredentials.Account caller;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    public HostileRequests(String baseUrl, TestCredentials.Account caller) {
        this.baseUrl = baseUrl;
        this.caller = caller;
    }

    /**
     * Sends {@code count} hostile variants of each endpoint, one at a time, and returns every exchange that broke the
     * promise (empty when none did).
     */
    public List<Exchange> broken(List<Endpoint> endpoints, int count) {
        List<Exchange> broken = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            variants(endpoint).sampleStream().limit(count).forEach(request -> {
                Exchange exchange = send(request);
                if (exchange.status() >= 500
                        || (exchange.status() >= 400
                                && !exchange.contentType().startsWith("application/problem+json"))) {
                    broken.add(exchange);
                }
            });
        }
        http.close();
        return broken;
    }

    private record Request(
            String method, String path, @Nullable String body, Map<String, String> headers) {}

    private Exchange send(Request request) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + request.path()))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(
                        request.method(),
                        request.body() == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(request.body()));
        request.headers().forEach(builder::header);
        caller.sign(builder);
        try {
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Exchange(
                    request.method(),
                    request.path(),
                    request.body(),
                    request.headers(),
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        } catch (Exception e) {
            throw new AssertionError("no answer to " + request, e);
        }
    }

    private static Arbitrary<Request> variants(Endpoint endpoint) {
        return Combinators.combine(paths(endpoint.path()), headers(endpoint.headers()), bodies(endpoint.body()))
                .as((path, headers, body) -> new Request(endpoint.method(), path, body, headers));
    }

    private static Arbitrary<String> paths(String template) {
        Arbitrary<String> ids = Arbitraries.oneOf(
                Arbitraries.strings()
                        .alpha()
                        .numeric()
                        .withChars("-_.")
                        .ofMinLength(1)
                        .ofMaxLength(40)
                        .map(id -> "fuzz-" + id),
                Arbitraries.strings().all().ofMinLength(1).ofMaxLength(300),
                Arbitraries.of("00000000-0000-0000-0000-000000000000", "not-a-uuid", "..", "%", "%00", " "));
        return ids.map(id -> template.replace("{id}", URLEncoder.encode(id, StandardCharsets.UTF_8)));
    }

    private static Arbitrary<Map<String, String>> headers(Map<String, String> valid) {
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(300),
                Arbitraries.of(
                        "",
                        "wait=",
                        "wait=-1",
                        "wait=99999999999999999999",
                        "wait=1.5",
                        "W/\"x\"",
                        "*",
                        "\"1\"",
                        "\"-9999999999999999999999\""));
        List<Arbitrary<Map<String, String>>> choices = new ArrayList<>();
        choices.add(Arbitraries.just(valid));
        for (String name : valid.keySet()) {
            choices.add(values.map(value -> with(valid, name, value)));
            choices.add(Arbitraries.just(without(valid, name)));
        }
        return Arbitraries.oneOf(choices);
    }

    private static Arbitrary<@Nullable String> bodies(@Nullable String valid) {
        if (valid == null) {
            return Arbitraries.<@Nullable String>just(null);
        }
        JsonNode template = JSON.readTree(valid);
        List<String> fields = fieldPaths(template, "");
        Arbitrary<String> field = Arbitraries.of(fields);
        return Arbitraries.oneOf(
                Arbitraries.just(valid),
                Combinators.combine(field, jsonValues()).as((path, value) -> replaced(template, path, value)),
                field.map(path -> replaced(template, path, null)),
                Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20), jsonValues())
                        .as((name, value) -> {
                            ObjectNode copy = (ObjectNode) template.deepCopy();
                            copy.set(name, value);
                            return JSON.writeValueAsString(copy);
                        }),
                Arbitraries.doubles().between(0, 1).map(cut -> valid.substring(0, (int) (valid.length() * cut))),
                Combinators.combine(Arbitraries.doubles().between(0, 1), Arbitraries.chars())
                        .as((at, c) -> {
                            StringBuilder garbled = new StringBuilder(valid);
                            garbled.setCharAt((int) (at * (valid.length() - 1)), c);
                            return garbled.toString();
                        }),
                Arbitraries.strings().all().ofMaxLength(500),
                Arbitraries.integers().between(1, 3000).map(depth -> "[".repeat(depth) + "]".repeat(depth)),
                Arbitraries.of("", "null", "[]", "{}", "1", "\"x\"", "true"));
    }

    /** Every field's path in {@code node}: {@code name}, {@code lines[0].quantity}. */
    private static List<String> fieldPaths(JsonNode node, String prefix) {
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

    /** {@code template} with the field at {@code path} set to {@code value}, or removed when it is null. */
    private static String replaced(JsonNode template, String path, @Nullable JsonNode value) {
        JsonNode copy = template.deepCopy();
        int split = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        JsonNode parent = split <= 0 ? copy : at(copy, path.substring(0, split));
        String last = path.substring(split + 1);
        if (parent instanceof ObjectNode object) {
            if (value == null) {
                object.remove(last);
            } else {
                object.set(last, value);
            }
        } else if (parent instanceof tools.jackson.databind.node.ArrayNode array) {
            int index = Integer.parseInt(last.replace("]", ""));
            if (value == null) {
                array.remove(index);
            } else {
                array.set(index, value);
            }
        }
        return JSON.writeValueAsString(copy);
    }

    private static JsonNode at(JsonNode root, String path) {
        JsonNode node = root;
        for (String step : path.replace("[", ".").replace("]", "").split("\\.")) {
            node = step.chars().allMatch(Character::isDigit) ? node.get(Integer.parseInt(step)) : node.get(step);
        }
        return node;
    }

    /** Any JSON value a hostile till might send for a field. */
    private static Arbitrary<JsonNode> jsonValues() {
        var nodes = JSON.getNodeFactory();
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(300).map(nodes::stringNode),
                Arbitraries.of("", " ", "\u0000", "-1", "1e400").map(nodes::stringNode),
                Arbitraries.longs().map(nodes::numberNode),
                Arbitraries.of(0L, -1L, 1L, Long.MAX_VALUE, Long.MIN_VALUE, (long) Integer.MAX_VALUE + 1)
                        .map(nodes::numberNode),
                Arbitraries.doubles().map(nodes::numberNode),
                Arbitraries.bigIntegers()
                        .between(java.math.BigInteger.TEN.pow(40).negate(), java.math.BigInteger.TEN.pow(40))
                        .map(nodes::numberNode),
                Arbitraries.of(true, false).map(nodes::booleanNode),
                Arbitraries.just(nodes.nullNode()),
                Arbitraries.just(nodes.arrayNode()),
                Arbitraries.integers().between(0, 200).map(n -> {
                    var many = nodes.arrayNode();
                    for (int i = 0; i < n; i++) {
                        many.add(nodes.objectNode().put("productId", "p").put("quantity", 1));
                    }
                    return many;
                }),
                Arbitraries.just(nodes.objectNode()));
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> changed = new LinkedHashMap<>(headers);
        changed.put(name, value);
        return changed;
    }

    private static Map<String, String> without(Map<String, String> headers, String name) {
        Map<String, String> changed = new LinkedHashMap<>(headers);
        changed.remove(name);
        return changed;
    }

    private static String abbreviated(@Nullable String text) {
        return text == null ? "" : text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
