package till.platform.kafka;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * What Micrometer Tracing does not do for Till's messages: the W3C {@code traceparent} header (SPEC) carries the
 * trace from a REST call through the outbox to every consumer. A consumed record's span is opened here, a child of
 * the record's {@code traceparent}; a message made while a span is current is stored with that span's context, so
 * the relay publishes it in the same trace. Micrometer puts the current trace id into the log MDC
 * ({@code traceId}).
 */
@Component
public final class Tracing {

    public static final String TRACEPARENT = "traceparent";

    private static final Propagator.Getter<Headers> HEADERS = (headers, name) -> {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    };

    /**
     * The running service's tracing, for {@code Outbox.Message}, a record made wherever a message is decided. The
     * current span itself lives in OpenTelemetry's context, which is per thread and not per application context.
     */
    private static volatile @Nullable Tracing installed;

    private final Tracer tracer;
    private final Propagator propagator;

    Tracing(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
        installed = this;
    }

    /**
     * The {@code traceparent} of the current span, for a message made now; a new trace when no span is current.
     * Null only when tracing is switched off (a no-op tracer propagates nothing).
     */
    public static @Nullable String traceparentOfCurrent() {
        Tracing tracing = installed;
        if (tracing == null) {
            throw new IllegalStateException("no tracing: a service imports TillPlatform, which sets it up");
        }
        return tracing.traceparent();
    }

    private @Nullable String traceparent() {
        Span current = tracer.currentSpan();
        if (current != null) {
            return traceparent(current.context());
        }
        Span root = tracer.spanBuilder().setNoParent().name("outbox message").start();
        try {
            return traceparent(root.context());
        } finally {
            root.end();
        }
    }

    private @Nullable String traceparent(TraceContext context) {
        Map<String, String> carrier = new HashMap<>(4);
        propagator.inject(context, carrier, (map, name, value) -> {
            if (map != null) {
                map.put(name, value);
            }
        });
        return carrier.get(TRACEPARENT);
    }

    /**
     * Opens the span of one consumed record, named {@code name} (its message type), as the current span until the
     * returned scope is closed: a child of the record's {@code traceparent}, or a new trace when it has none (or
     * one that is not W3C). Never nested in another span: each record of a poll keeps its own trace.
     */
    Opened consume(ConsumerRecord<String, String> record, String name) {
        Span.Builder builder = record.headers().lastHeader(TRACEPARENT) == null
                ? tracer.spanBuilder().setNoParent()
                : propagator.extract(record.headers(), HEADERS);
        return open(builder.kind(Span.Kind.CONSUMER), name);
    }

    /**
     * Opens a span named {@code name} as the current span until the returned scope is closed, a child of
     * {@code traceparent}: for work done later, by something not traced itself, for what that trace began (the
     * deadline sweeper compensating a checkout). A new trace when {@code traceparent} is null or not W3C.
     */
    public Opened resume(@Nullable String traceparent, String name) {
        Span.Builder builder = traceparent == null
                ? tracer.spanBuilder().setNoParent()
                : propagator.extract(Map.of(TRACEPARENT, traceparent), Map::get);
        return open(builder, name);
    }

    private Opened open(Span.Builder builder, String name) {
        Span span = builder.name(name).start();
        return new Opened(span, tracer.withSpan(span));
    }

    /** A span and its scope, closed together: the scope first, then the span. */
    public record Opened(Span span, Tracer.SpanInScope scope) implements AutoCloseable {

        @Override
        public void close() {
            try {
                scope.close();
            } finally {
                span.end();
            }
        }
    }
}
