package till.infra.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.security.scram.ScramLoginModule;
import org.jspecify.annotations.Nullable;

/**
 * Where the running stack is and how to log in to its broker: {@code KAFKA_BOOTSTRAP_SERVERS}, and with
 * {@code KAFKA_SECURITY_PROTOCOL} the operator's {@code KAFKA_SASL_MECHANISM}, {@code KAFKA_OPERATOR_USER} and
 * {@code KAFKA_OPERATOR_PASSWORD}, each from the environment, else from {@code .stack/env}.
 */
final class StackEnv {

    private static final List<String> KAFKA_KEYS = List.of(
            "KAFKA_BOOTSTRAP_SERVERS",
            "KAFKA_SECURITY_PROTOCOL",
            "KAFKA_SASL_MECHANISM",
            "KAFKA_OPERATOR_USER",
            "KAFKA_OPERATOR_PASSWORD");

    private StackEnv() {}

    /** A Kafka client's settings to reach the stack's broker as the operator. */
    static Map<String, Object> kafkaClientConfig() throws IOException {
        Map<String, String> values = kafkaValues();
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, values.get("KAFKA_BOOTSTRAP_SERVERS"));
        String protocol = values.get("KAFKA_SECURITY_PROTOCOL");
        if (protocol != null && protocol.startsWith("SASL_")) {
            config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol);
            config.put(SaslConfigs.SASL_MECHANISM, required(values, "KAFKA_SASL_MECHANISM"));
            config.put(
                    SaslConfigs.SASL_JAAS_CONFIG,
                    ScramLoginModule.class.getName() + " required username=\"" + required(values, "KAFKA_OPERATOR_USER")
                            + "\" password=\"" + required(values, "KAFKA_OPERATOR_PASSWORD") + "\";");
        } else if (protocol != null) {
            config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol);
        }
        return config;
    }

    private static Map<String, String> kafkaValues() throws IOException {
        Map<String, String> values = new HashMap<>();
        for (String key : KAFKA_KEYS) {
            String fromEnvironment = System.getenv(key);
            if (fromEnvironment != null && !fromEnvironment.isBlank()) {
                values.put(key, fromEnvironment);
            }
        }
        if (values.containsKey("KAFKA_BOOTSTRAP_SERVERS")) {
            return values;
        }
        Path env = Path.of(System.getProperty("till.root", "."), ".stack", "env");
        if (!Files.exists(env)) {
            System.err.println("no running stack (" + env + " is missing): start one with ./run stack,"
                    + " or set KAFKA_BOOTSTRAP_SERVERS (and KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM,"
                    + " KAFKA_OPERATOR_USER, KAFKA_OPERATOR_PASSWORD)");
            System.exit(2);
        }
        for (String line : Files.readAllLines(env)) {
            int equals = line.indexOf('=');
            if (!line.startsWith("#") && equals > 0 && KAFKA_KEYS.contains(line.substring(0, equals))) {
                values.putIfAbsent(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        required(values, "KAFKA_BOOTSTRAP_SERVERS");
        return values;
    }

    private static String required(Map<String, String> values, String key) {
        @Nullable String value = values.get(key);
        if (value == null) {
            throw new IllegalStateException("neither the environment nor .stack/env has " + key);
        }
        return value;
    }
}
