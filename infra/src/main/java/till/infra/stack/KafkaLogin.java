package till.infra.stack;

import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.security.scram.ScramLoginModule;

/**
 * An identity on the stack's broker (SASL/SCRAM-SHA-512 over {@code SASL_PLAINTEXT}, on loopback), and the
 * client settings that log in as it.
 */
public record KafkaLogin(String user, String password) {

    public static final String SECURITY_PROTOCOL = "SASL_PLAINTEXT";
    public static final String MECHANISM = "SCRAM-SHA-512";

    public KafkaLogin {
        // Both go between double quotes into a JAAS line, and into StorageTool's [name=...,password=...].
        if (!user.matches("[a-z-]+") || !password.matches("[0-9a-f]{16,}")) {
            throw new IllegalArgumentException("not a Kafka login this stack makes: " + user);
        }
    }

    /** What a Kafka client (producer, consumer, admin) needs to reach the broker at {@code bootstrapServers} as it. */
    public Map<String, Object> clientConfig(String bootstrapServers) {
        return Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SECURITY_PROTOCOL,
                SaslConfigs.SASL_MECHANISM, MECHANISM,
                SaslConfigs.SASL_JAAS_CONFIG, jaasConfig());
    }

    /** The service JVM's environment that makes Spring Boot's Kafka clients log in as it. */
    Map<String, String> springEnv() {
        return Map.of(
                "SPRING_KAFKA_SECURITY_PROTOCOL", SECURITY_PROTOCOL,
                "SPRING_KAFKA_PROPERTIES_SASL_MECHANISM", MECHANISM,
                "SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", jaasConfig());
    }

    String jaasConfig() {
        return ScramLoginModule.class.getName() + " required username=\"" + user + "\" password=\"" + password + "\";";
    }

    @Override
    public String toString() {
        return "KafkaLogin[" + user + "]";
    }
}
