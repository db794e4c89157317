package till.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import till.platform.kafka.Topics;

/** docker-compose.yml's broker (infra/docker/kafka-acls.sh) grants what the embedded stack's does, and makes the same topics. */
class KafkaAclsMatchComposeTest {

    private static final Path SCRIPT = Path.of("docker", "kafka-acls.sh");

    @Test
    void composeGrantsEachServiceWhatTheStackGrantsIt() throws IOException {
        List<KafkaAcls.Grant> inCompose = Files.readAllLines(SCRIPT).stream()
                .filter(line -> line.startsWith("grant "))
                .map(line -> line.substring("grant ".length()).trim().split("\\s+"))
                .map(words -> new KafkaAcls.Grant(
                        TillService.Name.valueOf(words[0].toUpperCase(java.util.Locale.ROOT)),
                        words[1],
                        words[2],
                        List.of(words).subList(3, words.length)))
                .toList();

        // The script's written topics include the dead-letter one; the stack derives it from the consumed topic.
        assertThat(inCompose)
                .extracting(g -> said(g, g.produces()))
                .containsExactlyInAnyOrderElementsOf(
                        KafkaAcls.GRANTS.stream().map(g -> said(g, g.writes())).toList());
    }

    @Test
    void composeGrantsEachServiceItsRelaysTransactionalId() throws IOException {
        List<String> inCompose = Files.readAllLines(SCRIPT).stream()
                .filter(line -> line.startsWith("transactional_id "))
                .map(line -> line.substring("transactional_id ".length()).trim())
                .toList();

        assertThat(inCompose)
                .containsExactlyInAnyOrderElementsOf(Stream.of(TillService.Name.values())
                        .map(service -> service.id() + " " + service.relayTransactionalId())
                        .toList());
    }

    private static String said(KafkaAcls.Grant grant, List<String> writes) {
        return grant.service() + " reads " + grant.consumes() + " in " + grant.group() + ", writes " + writes;
    }

    @Test
    void composeCreatesEveryTopic() throws IOException {
        Matcher topics =
                Pattern.compile("for topic in ([^;]+);", Pattern.DOTALL).matcher(Files.readString(SCRIPT));

        assertThat(topics.find()).isTrue();
        assertThat(topics.group(1).replace("\\\n", " ").trim().split("\\s+"))
                .containsExactlyInAnyOrderElementsOf(Topics.ALL);
    }
}
