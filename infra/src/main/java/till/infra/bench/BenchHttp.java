package till.infra.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The benchmark's HTTP client: one {@link HttpClient} over HTTP/1.1 with kept-alive connections, shared by every
 * simulated till, JSON in and out. Requests may wait up to 30 s on the server ({@code Prefer: wait=30}), so they
 * time out after 40.
 */
final class BenchHttp implements AutoCloseable {

    record Answer(int status, JsonNode body) {}

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final JsonMapper json = JsonMapper.builder().build();

    Answer get(String url, Map<String, String> headers) {
        return send(request(url, headers).GET());
    }

    Answer put(String url, Object body) {
        return send(request(url, Map.of()).PUT(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))));
    }

    Answer post(String url, Object body, Map<String, String> headers) {
        return send(request(url, headers).POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))));
    }

    /** Fails unless the answer is 2xx: seeding either works or the benchmark stops. */
    static Answer require(Answer answer, String what) {
        if (answer.status() / 100 != 2) {
            throw new IllegalStateException(what + ": HTTP " + answer.status() + " " + answer.body());
        }
        return answer;
    }

    private static HttpRequest.Builder request(String url, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(40))
                .header("Content-Type", "application/json");
        headers.forEach(request::header);
        return request;
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isBlank() ? json.nullNode() : json.readTree(response.body());
            return new Answer(response.statusCode(), body);
        } catch (IOException e) {
            throw new IllegalStateException("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
