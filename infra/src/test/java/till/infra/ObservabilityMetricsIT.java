package till.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import till.infra.stack.Stack;
import till.infra.stack.TillService;
import till.platform.security.Credentials;

/**
 * The Grafana dashboard and the Prometheus alert rules in {@code infra/observability/} name only metrics the
 * services export: after a confirmed and a rejected sale on the shared stack, every metric either file names is in
 * some service's {@code /actuator/prometheus}. A metric renamed in the code, or a typo in a rule, fails here
 * instead of leaving an alert that can never fire.
 */
class ObservabilityMetricsIT {

    private static final Path OBSERVABILITY = Path.of("observability");
    private static final Pattern METRIC = Pattern.compile("\\b(?:till|kafka_consumer)_[a-z0-9_]+");

    @Test
    void everyMetricTheDashboardAndTheRulesNameIsExported() throws IOException {
        Set<String> named = new TreeSet<>();
        for (String file : List.of("grafana-dashboard.json", "alert-rules.yml")) {
            named.addAll(metricsIn(Files.readString(OBSERVABILITY.resolve(file))));
        }
        assertThat(named)
                .as("the files name the SRE metrics of issue 15")
                .contains(
                        "till_checkout_duration_seconds_bucket",
                        "till_checkout_duration_seconds_count",
                        "till_outbox_oldest_unsent_age_seconds",
                        "till_inventory_lock_conflicts_total",
                        "till_inventory_lock_retries_total",
                        "till_dlt_records",
                        "kafka_consumer_fetch_manager_records_lag_max");

        Stack stack = SharedStack.get();
        Till till = Till.of(stack, SharedStack.callers());
        String product = till.product(100, 1);
        String customer = till.customer(10_000);
        for (int sale = 0; sale < 2; sale++) {
            // The first is confirmed, the second rejected OUT_OF_STOCK: both outcomes' series exist.
            till.checkoutAndAwait(customer, List.of(Map.of("productId", product, "quantity", 1)));
        }
        Set<String> missing = await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> missing(named, stack), Set::isEmpty);
        assertThat(missing).isEmpty();
    }

    private static Set<String> missing(Set<String> named, Stack stack) {
        String exported = Arrays.stream(TillService.Name.values())
                .map(name ->
                        scrape(stack.service(name).url(), stack.credentials().admin()))
                .collect(Collectors.joining("\n"));
        Set<String> present = metricsIn(exported);
        return named.stream().filter(n -> !present.contains(n)).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> metricsIn(String text) {
        Set<String> names = new TreeSet<>();
        Matcher metric = METRIC.matcher(text);
        while (metric.find()) {
            names.add(metric.group());
        }
        return names;
    }

    /** The actuator beyond health is an admin's to read (docs/SPEC.md, Security). */
    private static String scrape(String serviceUrl, Credentials.Account admin) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(serviceUrl + "/actuator/prometheus"))
                            .header("Authorization", admin.authorization())
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
