package till.testsupport;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Thousands of random and mutated requests at a running service's REST endpoints, each answered, as the SPEC
 * promises, with a status below 500 and, when refused, problem+json; a 400 for a body that is JSON but has a bad
 * field names the field. A hostile till can make a service say no but never fail. Each endpoint is given by a
 * valid request; each case changes one of its path id, its headers or its body ({@link HostileJson#mutated}).
 * {@link HostileCases} seeds the cases and names the seed of a failure.
 */
public final class HostileRequests {

    /**
     * A valid request of an endpoint: {@code {id}} in the path is replaced by a random UUID or hostile text, and each
     * of its headers is sent with hostile values or left out.
     */
    public record Endpoint(
            String method, String path, @Nullable String body, Map<String, String> headers) {}

    /** One request sent, what was changed, and what came back. */
    public record Exchange(
            String method,
            String path,
            @Nullable String body,
            Map<String, String> headers,
            String how,
            boolean field,
            int status,
            String contentType,
            String answer) {

        @Override
        public String toString() {
            return how + ": " + method + " " + path + " " + headers + " " + abbreviated(body) + " -> " + status + " "
                    + contentType + " " + abbreviated(answer);
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
     * Sends up to {@code count} hostile requests, spread over the endpoints, one at a time and within {@code bound},
     * and fails with every request that broke the promise and the seed that replays them.
     */
    public void neverFail(List<Endpoint> endpoints, int count, Duration bound) {
        try {
            HostileCases.run("hostile requests to " + baseUrl, count, bound, (hostile, number) -> {
                Request request = variant(endpoints.get(number % endpoints.size()), hostile);
                return broken(send(request));
            });
        } finally {
            http.close();
        }
    }

    private static @Nullable String broken(Exchange exchange) {
        if (exchange.status() >= 500) {
            return "a server error, " + exchange;
        }
        if (exchange.status() < 400) {
            return null;
        }
        if (!exchange.contentType().startsWith("application/problem+json")) {
            return "a refusal that is not problem+json, " + exchange;
        }
        JsonNode problem = JSON.readTree(exchange.answer());
        if (exchange.status() == 400 && exchange.field() && !namesAField(problem)) {
            return "a 400 for a bad field that names no field, " + exchange;
        }
        return null;
    }

    private static boolean namesAField(JsonNode problem) {
        JsonNode errors = problem.path("errors");
        if (!errors.isArray() || errors.isEmpty()) {
            return false;
        }
        for (JsonNode error : errors) {
            if (error.path("field").asString("").isBlank()) {
                return false;
            }
        }
        return true;
    }

    private record Request(
            String method,
            String path,
            @Nullable String body,
            Map<String, String> headers,
            String how,
            boolean field) {}

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
                    request.how(),
                    request.field(),
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        } catch (Exception e) {
            throw new AssertionError("no answer to " + request, e);
        }
    }

    private static final List<String> ODD_IDS =
            List.of("00000000-0000-0000-0000-000000000000", "not-a-uuid", "..", "%", "%00", " ", "\u0000");

    private static final List<String> ODD_HEADER_VALUES = List.of(
            "",
            "wait=",
            "wait=-1",
            "wait=99999999999999999999",
            "wait=1.5",
            "W/\"x\"",
            "*",
            "\"1\"",
            "\"-9999999999999999999999\"");

    /** {@code endpoint}'s valid request with one thing changed: the path id, a header, or the body. */
    private static Request variant(Endpoint endpoint, HostileJson hostile) {
        String validId = new UUID(hostile.anyLong(), hostile.anyLong()).toString();
        String path = endpoint.path().replace("{id}", validId);
        Map<String, String> headers = endpoint.headers();
        String body = endpoint.body();
        List<String> headerNames = List.copyOf(headers.keySet());
        int what = hostile.between(0, 9);
        if (what == 0 && endpoint.path().contains("{id}")) {
            String id = hostile.chance(0.3) ? hostile.pick(ODD_IDS) : hostile.text(300);
            return new Request(
                    endpoint.method(),
                    endpoint.path().replace("{id}", URLEncoder.encode(id, StandardCharsets.UTF_8)),
                    body,
                    headers,
                    "path id",
                    false);
        }
        if (what == 1 && !headerNames.isEmpty()) {
            String name = hostile.pick(headerNames);
            if (hostile.chance(0.3)) {
                return new Request(endpoint.method(), path, body, without(headers, name), "no " + name, false);
            }
            String value = hostile.chance(0.5) ? hostile.pick(ODD_HEADER_VALUES) : printable(hostile.text(300));
            return new Request(endpoint.method(), path, body, with(headers, name, value), name + " changed", false);
        }
        if (body != null && what > 1) {
            HostileJson.Mutant mutant = hostile.mutated(body);
            return new Request(endpoint.method(), path, mutant.text(), headers, mutant.how(), mutant.field() != null);
        }
        return new Request(endpoint.method(), path, body, headers, "unchanged", false);
    }

    /** An HTTP header value cannot hold controls or non-ASCII: those are sent as {@code ?}. */
    private static String printable(String text) {
        StringBuilder value = new StringBuilder(text.length());
        text.chars().forEach(c -> value.append(c >= ' ' && c <= '~' ? (char) c : '?'));
        return value.toString().strip();
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
