package till.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.security.scram.ScramLoginModule;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import till.contracts.catalog.MessageTypes;
import till.platform.kafka.Topics;

/**
 * {@code docker-compose.yml} has never been run on this machine (no Docker engine), so this reads it and checks it
 * against what the services actually read and what the contract says: names, ports, environment, databases and
 * roles, the broker the services and the Kafka UI use, and that the contract's topics are the ones the services
 * declare on a broker that creates none by itself.
 */
class DockerComposeAgreesTest {

    private static final Path ROOT = Path.of("..");

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() throws IOException {
        try (InputStream in = Files.newInputStream(ROOT.resolve("docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml().load(in);
            return (Map<String, Map<String, Object>>) compose.get("services");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeRunsKafkaPostgresTheThreeServicesAndAKafkaUi() throws IOException {
        Map<String, Map<String, Object>> services = services();
        assertThat(services)
                .containsKeys("kafka", "kafka-init", "postgres", "kafka-ui", "checkout", "inventory", "ledger");
        // The broker's configuration is its start script's (SASL, ACLs), not the image's KAFKA_* variables.
        assertThat(String.join(" ", (List<String>) services.get("kafka").get("command")))
                .contains("/till/kafka-start.sh");
        assertThat(brokerScript())
                .contains("\nprocess.roles=broker,controller\n")
                .contains("\nauto.create.topics.enable=false\n");
        for (String name : List.of("kafka", "postgres", "checkout", "inventory", "ledger")) {
            assertThat(services.get(name)).as("%s has a health check", name).containsKey("healthcheck");
        }
        Map<String, String> ui = env(services.get("kafka-ui"));
        assertThat(ui)
                .containsEntry("KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS", broker())
                .containsEntry("KAFKA_CLUSTERS_0_PROPERTIES_SECURITY_PROTOCOL", KafkaLogin.SECURITY_PROTOCOL)
                .containsEntry("KAFKA_CLUSTERS_0_PROPERTIES_SASL_MECHANISM", KafkaLogin.MECHANISM);
        assertThat(ui.get("KAFKA_CLUSTERS_0_PROPERTIES_SASL_JAAS_CONFIG"))
                .contains("username=\"" + KafkaCredentials.OPERATOR + "\"")
                .contains("password=\"${KAFKA_OPERATOR_PASSWORD:?");
    }

    /** infra/docker/kafka-start.sh, which writes the compose broker's server.properties. */
    private static String brokerScript() throws IOException {
        return Files.readString(ROOT.resolve("infra/docker/kafka-start.sh"));
    }

    /** Where the containers reach the broker: its advertised INTERNAL listener. */
    private static String broker() throws IOException {
        Matcher advertised =
                Pattern.compile("\nadvertised\\.listeners=(\\S+)\n").matcher(brokerScript());
        assertThat(advertised.find())
                .as("advertised.listeners in kafka-start.sh")
                .isTrue();
        return "kafka:" + port(advertised.group(1), "INTERNAL");
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachServiceIsConfiguredAsItsOwnPropertiesAndTheStackSay() throws IOException {
        Map<String, Map<String, Object>> services = services();
        String broker = broker();
        String roles = Files.readString(ROOT.resolve("infra/docker/postgres-init.sql"));
        for (TillService.Name name : TillService.Name.values()) {
            Map<String, Object> service = services.get(name.id());
            assertThat(service).as(name.id()).isNotNull();
            String properties =
                    Files.readString(ROOT.resolve(name.id() + "-service/src/main/resources/application.properties"));
            String prefix = name.envPrefix();

            // Ports: the stack's default, the service's own default, the container's and the published one.
            assertThat(properties).contains("server.port=${" + prefix + "_PORT:" + name.defaultPort + "}");
            Map<String, String> env = env(service);
            assertThat(env).containsEntry(prefix + "_PORT", String.valueOf(name.defaultPort));
            assertThat((List<String>) service.get("ports")).containsExactly(name.defaultPort + ":" + name.defaultPort);
            assertThat(healthcheck(service)).contains("localhost/" + name.defaultPort, "/actuator/health");

            // Environment: what the stack gives the service, and nothing the service does not read.
            assertThat(env)
                    .containsEntry("KAFKA_BOOTSTRAP_SERVERS", broker)
                    .containsEntry(prefix + "_JDBC_URL", "jdbc:postgresql://postgres:5432/" + name.id())
                    .containsEntry(prefix + "_DB_USER", name.id())
                    .containsEntry(prefix + "_DB_PASSWORD", name.id());
            // The REST identities (docs/SPEC.md, Security): from the shell that runs compose, never in the file.
            for (String variable :
                    List.of("TILL_ADMIN_USER", "TILL_ADMIN_PASSWORD", "TILL_CASHIER_USER", "TILL_CASHIER_PASSWORD")) {
                assertThat(env.get(variable)).as("%s's %s", name.id(), variable).startsWith("${" + variable + ":?");
            }
            // Its Kafka login: Spring Boot's own properties, named as the embedded stack names them, as its own
            // identity, with the password from the shell; and no topics of its own making (kafka-init makes them).
            Map<String, String> stackKafkaEnv =
                    new java.util.TreeMap<>(new KafkaLogin(name.id(), "0".repeat(40)).springEnv());
            stackKafkaEnv.put("SPRING_KAFKA_ADMIN_AUTO_CREATE", "false");
            Map<String, String> springEnv = new java.util.TreeMap<>(env);
            springEnv.keySet().removeIf(variable -> !variable.startsWith("SPRING_"));
            assertThat(springEnv).containsOnlyKeys(stackKafkaEnv.keySet());
            springEnv.remove("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG");
            stackKafkaEnv.remove("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG");
            assertThat(springEnv).isEqualTo(stackKafkaEnv);
            assertThat(env.get("SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG"))
                    .startsWith(ScramLoginModule.class.getName() + " required ")
                    .contains("username=\"" + name.id() + "\"")
                    .contains("password=\"${KAFKA_" + prefix + "_PASSWORD:?");
            assertThat((Map<String, Object>) service.get("depends_on")).containsKey("kafka-init");

            String platform =
                    Files.readString(ROOT.resolve("platform/src/main/resources/till/platform/defaults.properties"));
            for (String variable : env.keySet()) {
                if (variable.startsWith("SPRING_")) {
                    continue; // Spring Boot's own, checked above
                }
                assertThat(properties + platform)
                        .as("%s reads %s", name.id(), variable)
                        .contains("${" + variable + ":");
            }
            assertThat(placeholders(properties).stream()
                            .filter(v -> v.matches(prefix + "_(JDBC_URL|DB_USER|DB_PASSWORD|PORT)")))
                    .allMatch(env::containsKey);

            // Its database and role exist, with the password it is given.
            assertThat(roles)
                    .contains("CREATE ROLE " + name.id() + " LOGIN PASSWORD '" + name.id() + "';")
                    .contains("CREATE DATABASE " + name.id() + " OWNER " + name.id() + ";")
                    .contains("REVOKE CONNECT, TEMPORARY ON DATABASE " + name.id() + " FROM PUBLIC;");

            // The exec jar the build makes, whatever the project's version: no version in the file.
            String command = String.join(" ", (List<String>) service.get("command"));
            assertThat(command).contains("/app/" + name.id() + "-service-*-exec.jar");
            assertThat((List<String>) service.get("volumes")).contains("./" + name.id() + "-service/target:/app:ro");
            assertThat((Map<String, Object>) service.get("depends_on")).containsKeys("kafka", "postgres");
        }
        assertThat(Files.readString(ROOT.resolve("docker-compose.yml"))).doesNotContain("SNAPSHOT");
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheusScrapesEveryServiceAsTheAdminFromTheFilesComposeWrites() throws IOException {
        Map<String, Object> prometheus = services().get("prometheus");
        String entrypoint = String.join(" ", (List<String>) prometheus.get("entrypoint"));
        assertThat(env(prometheus)).containsKeys("TILL_ADMIN_USER", "TILL_ADMIN_PASSWORD");
        try (InputStream in = Files.newInputStream(ROOT.resolve("infra/observability/prometheus.yml"))) {
            Map<String, Object> config = new Yaml().load(in);
            List<Map<String, Object>> jobs = (List<Map<String, Object>>) config.get("scrape_configs");
            assertThat(jobs).hasSize(TillService.Name.values().length);
            for (Map<String, Object> job : jobs) {
                Map<String, String> auth = (Map<String, String>) job.get("basic_auth");
                assertThat(auth).as("%s's basic_auth", job.get("job_name")).isNotNull();
                assertThat(entrypoint)
                        .contains("\"$$TILL_ADMIN_USER\" > " + auth.get("username_file"))
                        .contains("\"$$TILL_ADMIN_PASSWORD\" > " + auth.get("password_file"));
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theContractsTopicsAreTheOnesTheServicesDeclare() throws IOException {
        try (InputStream in = MessageTypes.class.getResourceAsStream("/asyncapi.yaml")) {
            Map<String, Object> asyncapi = new Yaml().load(in);
            Set<String> addresses = new TreeSet<>();
            ((Map<String, Map<String, Object>>) asyncapi.get("channels"))
                    .values()
                    .forEach(channel -> addresses.add((String) channel.get("address")));
            // The broker in compose creates no topic by itself: every one the contract names must be declared by the
            // services (module tests) and created by kafka-init (KafkaAclsMatchComposeTest).
            assertThat(addresses).containsExactlyInAnyOrderElementsOf(Topics.ALL);
        }
    }

    private static Map<String, String> env(Map<String, Object> service) {
        @SuppressWarnings("unchecked")
        Map<String, Object> env = (Map<String, Object>) service.get("environment");
        Map<String, String> values = new java.util.TreeMap<>();
        env.forEach((k, v) -> values.put(k, String.valueOf(v)));
        return values;
    }

    @SuppressWarnings("unchecked")
    private static String healthcheck(Map<String, Object> service) {
        return String.join(" ", (List<String>) ((Map<String, Object>) service.get("healthcheck")).get("test"));
    }

    private static int port(String listeners, String listener) {
        Matcher m = Pattern.compile(listener + "://[^:,]*:(\\d+)").matcher(listeners);
        assertThat(m.find()).as("%s in %s", listener, listeners).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static Set<String> placeholders(String properties) {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Z0-9_]+):").matcher(properties);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
