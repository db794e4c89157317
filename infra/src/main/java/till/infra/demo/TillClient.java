package till.infra.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small REST client for Till's three services, as a till or an operator would call them. */
public final class TillClient implements AutoCloseable {

    public record Response(int status, JsonNode body, HttpResponse<String> raw) {}

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();

    public Response get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    public Response get(String url, Map<String, String> headers) {
        return send(
                withHeaders(HttpRequest.newBuilder(URI.create(url)), headers).GET());
    }

    public Response put(String url, Object body, Map<String, String> headers) {
        return send(withHeaders(HttpRequest.newBuilder(URI.create(url)), headers)
                .PUT(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))));
    }

    public Response post(String url, Object body, Map<String, String> headers) {
        return send(withHeaders(HttpRequest.newBuilder(URI.create(url)), headers)
                .POST(HttpRequest.BodyPublishers.ofString(
                        body instanceof String raw ? raw : json.writeValueAsString(body))));
    }

    private static HttpRequest.Builder withHeaders(HttpRequest.Builder request, Map<String, String> headers) {
        request.header("Content-Type", "application/json");
        headers.forEach(request::header);
        return request;
    }

    private Response send(HttpRequest.Builder request) {
        try {
            // Longer than the longest wait a request may ask the server for (Prefer: wait=30).
            HttpResponse<String> response =
                    http.send(request.timeout(Duration.ofSeconds(40)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isBlank() ? json.nullNode() : json.readTree(response.body());
            return new Response(response.statusCode(), body, response);
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
