package till.platform.kafka;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;
import org.springframework.lang.Contract;

/**
 * W3C trace context carried as the {@code traceparent} header from a REST call through every message it causes,
 * and put into the log MDC ({@code traceId}) so an operator can follow one sale across the three services.
 */
public final class Tracing {

    public static final String TRACEPARENT = "traceparent";
    public static final String MDC_TRACE_ID = "traceId";

    private static final Pattern VALID = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    private static final ThreadLocal<@Nullable String> CURRENT = new ThreadLocal<>();

    private Tracing() {}

    /** Adopts an incoming traceparent (or starts a new trace when it is absent or malformed). */
    public static void continueFrom(@Nullable String traceparent) {
        String adopted = isValid(traceparent) ? traceparent : newTraceparent(randomHex(16));
        CURRENT.set(adopted);
        MDC.put(MDC_TRACE_ID, adopted.substring(3, 35));
    }

    public static void clear() {
        CURRENT.remove();
        MDC.remove(MDC_TRACE_ID);
    }

    /** A traceparent for an outgoing message: the current trace with a new span id. */
    public static String childOfCurrent() {
        String current = CURRENT.get();
        return newTraceparent(current != null ? current.substring(3, 35) : randomHex(16));
    }

    @Contract("null -> false")
    static boolean isValid(@Nullable String traceparent) {
        return traceparent != null && VALID.matcher(traceparent).matches();
    }

    private static String newTraceparent(String traceId) {
        return "00-" + traceId + "-" + randomHex(8) + "-01";
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
