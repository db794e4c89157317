package till.infra;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A stand-in for an OpenTelemetry collector on loopback: it accepts OTLP/HTTP trace exports ({@code POST /v1/traces},
 * protobuf) and keeps their bodies, so a test can ask whether a service exported a span of a given trace. It does not
 * decode protobuf: a trace id is 16 raw bytes in the body, and a service's name is its resource's {@code service.name}
 * string, so a body holding both is that service's export of a span of that trace.
 */
final class OtlpReceiver implements AutoCloseable {

    /** At most this many exports are kept, the oldest dropped first: a long suite exports many. */
    private static final int KEPT = 20_000;

    private final HttpServer server;
    private final Deque<byte[]> exports = new ConcurrentLinkedDeque<>();

    OtlpReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/traces", exchange -> {
            try (exchange;
                    InputStream body = exchange.getRequestBody()) {
                exports.addLast(body.readAllBytes());
                while (exports.size() > KEPT) {
                    exports.pollFirst();
                }
                // An empty ExportTraceServiceResponse: everything accepted.
                exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
    }

    /** What a service JVM's {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set to; the exporter adds {@code /v1/traces}. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Whether the service named {@code serviceName} exported a span of the trace {@code traceId} (32 hex digits). */
    boolean exported(String serviceName, String traceId) {
        byte[] name = serviceName.getBytes(StandardCharsets.UTF_8);
        byte[] trace = HexFormat.of().parseHex(traceId);
        return exports.stream().anyMatch(body -> contains(body, name) && contains(body, trace));
    }

    private static boolean contains(byte[] body, byte[] part) {
        for (int i = 0; i + part.length <= body.length; i++) {
            if (Arrays.equals(body, i, i + part.length, part, 0, part.length)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
