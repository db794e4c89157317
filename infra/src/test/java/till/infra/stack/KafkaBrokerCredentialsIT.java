package till.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;

/**
 * A broker log whose passwords' file is gone (lost, or made before the broker required SASL) starts with new
 * passwords for every identity, and keeps its topics; the old passwords no longer log in.
 */
class KafkaBrokerCredentialsIT {

    @Test
    void aLogWithoutItsPasswordsFileGetsNewPasswordsAndKeepsItsTopics() throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "kafka-credentials-");
        Path kafkaDir = dir.resolve("kafka");
        KafkaBroker first = KafkaBroker.start(kafkaDir, Ports.free(), Ports.free(), dir.resolve("logs"));
        KafkaLogin before;
        try {
            first.createTopics(List.of("kept"), 1);
            before = first.credentials().operator();
        } finally {
            first.stop();
        }
        Files.delete(kafkaDir.resolve("credentials.properties"));

        KafkaBroker second = KafkaBroker.start(kafkaDir, Ports.free(), Ports.free(), dir.resolve("logs"));
        try {
            KafkaLogin after = second.credentials().operator();
            assertThat(after.password()).isNotEqualTo(before.password());
            assertThat(KafkaCredentials.load(kafkaDir.resolve("credentials.properties"))
                            .operator()
                            .password())
                    .isEqualTo(after.password());
            try (Admin admin = Admin.create(second.operatorConfig())) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("kept");
            }
            try (Admin stale = Admin.create(before.clientConfig(second.bootstrapServers()))) {
                Throwable refused =
                        catchThrowable(() -> stale.listTopics().names().get(30, TimeUnit.SECONDS));
                assertThat(refused).isInstanceOf(ExecutionException.class);
                assertThat(refused.getCause()).isInstanceOf(SaslAuthenticationException.class);
            }
        } finally {
            second.stop();
        }
        Directories.delete(dir);
    }
}
