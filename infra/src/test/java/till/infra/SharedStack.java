package till.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import till.infra.demo.Callers;
import till.infra.demo.TillClient;
import till.infra.stack.Stack;
import till.infra.stack.TillService;

/** One embedded stack per test JVM, started as {@code ./run stack} starts it, on first use, and stopped when the JVM exits. */
public final class SharedStack {

    static final Duration CHECKOUT_DEADLINE = Duration.ofSeconds(30);

    private static Stack stack;
    private static RuntimeException failedToStart;
    private static TillClient client;
    private static TillClient cashier;
    private static OtlpReceiver otlp;

    private SharedStack() {}

    public static synchronized Stack get() {
        if (failedToStart != null) {
            throw new IllegalStateException("the shared stack failed to start (see the first failure)", failedToStart);
        }
        if (stack == null) {
            try {
                start();
            } catch (RuntimeException e) {
                failedToStart = e;
                throw e;
            }
        }
        return stack;
    }

    private static void start() {
        Path root = Path.of("..").toAbsolutePath().normalize();
        otlp = new OtlpReceiver();
        // Unsupervised: the fault tests kill services and bring them back themselves. Tracing export switched on the
        // way an operator would (OpenTelemetry's own variable), towards a receiver on loopback.
        stack = Stack.start(
                new Stack.Options(root, throwAwayDir(root, "stack-it-"), false, 12, CHECKOUT_DEADLINE, false)
                        .withInstances(1, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.endpoint())),
                line -> System.out.println("stack: " + line));
        client = new TillClient(stack.credentials().admin());
        cashier = new TillClient(stack.credentials().cashier());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            client.close();
            cashier.close();
            stack.stop();
            otlp.close();
        }));
    }

    /** A new, empty work directory under infra/target (the stack's data outlives it; a test starts empty). */
    static Path throwAwayDir(Path root, String prefix) {
        try {
            Path target = root.resolve("infra/target");
            Files.createDirectories(target);
            return Files.createTempDirectory(target, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The admin's client: products, customers, the actuator. */
    static TillClient client() {
        get();
        return client;
    }

    /** The collector the shared stack's services export their spans to. */
    static OtlpReceiver otlp() {
        get();
        return otlp;
    }

    /** The cashier's client: what a till does, selling and refunding. */
    static TillClient cashier() {
        get();
        return cashier;
    }

    static Callers callers() {
        return new Callers(cashier(), client());
    }

    static String url(TillService.Name name) {
        return get().service(name).url();
    }
}
