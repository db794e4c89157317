package till.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads a running service's OpenAPI 3 description ({@code /v3/api-docs}) and checks it against the SPEC's REST API. */
public final class ApiDocs {

    private ApiDocs() {}

    /**
     * Asserts that the service at {@code baseUrl} describes every path of {@code spec} with (at least) its methods,
     * and that every operation declares its client errors as problem+json. The description is an admin's to read
     * (docs/SPEC.md, Security).
     */
    public static JsonNode assertDescribes(String baseUrl, Map<String, Set<String>> spec) {
        JsonNode docs = fetch(baseUrl + "/v3/api-docs", TestCredentials.admin());
        assertThat(docs.path("openapi").asString()).startsWith("3.");
        JsonNode paths = docs.path("paths");
        spec.forEach((path, methods) -> {
            assertThat(paths.has(path)).as("%s is described", path).isTrue();
            Set<String> described = new TreeSet<>(paths.get(path).propertyNames());
            assertThat(described).as("methods of %s", path).containsAll(methods);
            for (String method : methods) {
                JsonNode clientError = paths.get(path)
                        .get(method)
                        .path("responses")
                        .path("4XX")
                        .path("content");
                assertThat(clientError.has("application/problem+json"))
                        .as("%s %s declares its errors as problem+json", method, path)
                        .isTrue();
            }
        });
        return docs;
    }

    private static JsonNode fetch(String url, TestCredentials.Account reader) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(
                    reader.sign(HttpRequest.newBuilder(URI.create(url)))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode())
                    .as("GET %s: %s", url, response.body())
                    .isEqualTo(200);
            return JsonMapper.builder().build().readTree(response.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
