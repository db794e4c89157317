package till.infra.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import till.platform.security.Credentials;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A small REST client for Till's three services, as a till or an operator would call them: every request carries
 * one identity's credentials (HTTP Basic).
 */
public final class TillClient implements AutoCloseable {

    public record Response(int status, JsonNode body, HttpResponse<String> raw) {}

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();

    private final String authorization;
    private final Duration timeout;

    public TillClient(Credentials.Account caller) {
        this(caller, Duration.ofSeconds(30));
    }

    /** {@code timeout}: how long a request may go unanswered (plus any {@code Prefer: wait}) before it fails. */
    public TillClient(Credentials.Account caller, Duration timeout) {
        this.authorization = caller.authorization();
        this.timeout = timeout;
    }

    public Response get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).GET(), timeout);
    }

    /**
     * A GET with {@code Prefer: wait=N} (RFC 7240): checkout-service answers 200 as soon as the checkout is decided,
     * or 202 still PENDING after N seconds.
     */
    public Response getWaiting(String url, int waitSeconds) {
        return send(
                HttpRequest.newBuilder(URI.create(url)).GET().header("Prefer", "wait=" + waitSeconds),
                timeout.plusSeconds(waitSeconds));
    }

    public Response put(String url, Object body, Map<String, String> headers) {
        return send(
                withHeaders(HttpRequest.newBuilder(URI.create(url)), headers)
                        .PUT(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))),
                timeout);
    }

    public Response post(String url, Object body, Map<String, String> headers) {
        return send(posting(url, body, headers), timeout);
    }

    /** A POST with {@code Prefer: wait=N}: a checkout's answer carries its outcome if decided within N seconds. */
    public Response postWaiting(String url, Object body, Map<String, String> headers, int waitSeconds) {
        return send(
                posting(url, body, headers).header("Prefer", "wait=" + waitSeconds), timeout.plusSeconds(waitSeconds));
    }

    private HttpRequest.Builder posting(String url, Object body, Map<String, String> headers) {
        return withHeaders(HttpRequest.newBuilder(URI.create(url)), headers)
                .POST(HttpRequest.BodyPublishers.ofString(
                        body instanceof String raw ? raw : json.writeValueAsString(body)));
    }

    private static HttpRequest.Builder withHeaders(HttpRequest.Builder request, Map<String, String> headers) {
        request.header("Content-Type", "application/json");
        headers.forEach(request::header);
        return request;
    }

    private Response send(HttpRequest.Builder request, Duration timeout) {
        try {
            HttpResponse<String> response = http.send(
                    request.timeout(timeout)
                            .header("Authorization", authorization)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
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
