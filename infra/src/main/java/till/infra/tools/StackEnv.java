package till.infra.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the running stack is: {@code KAFKA_BOOTSTRAP_SERVERS} from the environment, else from {@code .stack/env}. */
final class StackEnv {

    private StackEnv() {}

    static String kafkaBootstrapServers() throws IOException {
        String fromEnvironment = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        Path env = Path.of(System.getProperty("till.root", "."), ".stack", "env");
        if (!Files.exists(env)) {
            System.err.println("no running stack (" + env + " is missing): start one with ./run stack,"
                    + " or set KAFKA_BOOTSTRAP_SERVERS");
            System.exit(2);
        }
        return Files.readAllLines(env).stream()
                .filter(line -> line.startsWith("KAFKA_BOOTSTRAP_SERVERS="))
                .map(line -> line.substring(line.indexOf('=') + 1))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(env + " has no KAFKA_BOOTSTRAP_SERVERS"));
    }
}
