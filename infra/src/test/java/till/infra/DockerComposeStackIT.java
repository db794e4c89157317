package till.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import till.infra.demo.TillClient;
import till.platform.security.Credentials;
import till.testsupport.TestCredentials;

/**
 * {@code docker-compose.yml} itself, run by Testcontainers' {@code ComposeContainer}: every service
 * becomes healthy by its own health check, and one sale goes through the three services on the containers' Kafka
 * and PostgreSQL. Where no Docker engine is reachable it is reported as skipped (the embedded stack is the default
 * everywhere else); it needs the exec jars, which infra's build order provides.
 */
@Testcontainers(disabledWithoutDocker = true)
class DockerComposeStackIT {

    @Container
    static final ComposeContainer COMPOSE = new ComposeContainer(new File("../docker-compose.yml"))
            .withExposedService("inventory", 8081, Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(5)))
            .withExposedService("ledger", 8082, Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(5)))
            .withExposedService("checkout", 8080, Wait.forHealthcheck().withStartupTimeout(Duration.ofMinutes(5)))
            // The compose file refuses to start without the REST identities and the broker's passwords (docs/SPEC.md,
            // Security).
            .withEnv(TestCredentials.environment())
            .withEnv(kafkaPasswords());

    /** A new random password for each of the broker's identities, as docker-compose.yml says to make them. */
    private static Map<String, String> kafkaPasswords() {
        SecureRandom random = new SecureRandom();
        Map<String, String> env = new LinkedHashMap<>();
        for (String identity : List.of("OPERATOR", "BROKER", "CHECKOUT", "INVENTORY", "LEDGER")) {
            byte[] secret = new byte[20];
            random.nextBytes(secret);
            env.put("KAFKA_" + identity + "_PASSWORD", HexFormat.of().formatHex(secret));
        }
        return env;
    }

    @Test
    void aSaleGoesThroughTheComposedStack() {
        try (TillClient client = new TillClient(new Credentials.Account(
                        TestCredentials.admin().user(), TestCredentials.admin().password()));
                TillClient cashier = new TillClient(new Credentials.Account(
                        TestCredentials.cashier().user(),
                        TestCredentials.cashier().password()))) {
            String inventory = url("inventory", 8081);
            String ledger = url("ledger", 8082);
            String checkout = url("checkout", 8080);
            assertThat(client.put(
                                    inventory + "/api/products/compose-espresso",
                                    Map.of("name", "Espresso", "priceMinor", 350, "onHand", 1),
                                    Map.of())
                            .status())
                    .isEqualTo(201);
            assertThat(client.put(
                                    ledger + "/api/customers/compose-alice",
                                    Map.of("name", "Alice", "creditLimitMinor", 10_000),
                                    Map.of())
                            .status())
                    .isEqualTo(201);
            TillClient.Response sale = cashier.postWaiting(
                    checkout + "/api/checkouts",
                    Map.of(
                            "customerId",
                            "compose-alice",
                            "lines",
                            List.of(Map.of("productId", "compose-espresso", "quantity", 1))),
                    Map.of("Idempotency-Key", "compose-sale-1"),
                    30);
            assertThat(sale.status()).as(sale.body().toString()).isEqualTo(200);
            assertThat(sale.body().get("status").asString()).isEqualTo("CONFIRMED");
        }
    }

    private static String url(String service, int port) {
        return "http://" + COMPOSE.getServiceHost(service, port) + ":" + COMPOSE.getServicePort(service, port);
    }
}
