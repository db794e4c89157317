package till.platform;

import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import till.testsupport.TestInfrastructure;
import till.testsupport.TopicReader;

/** The platform test service against the JVM's real broker and PostgreSQL. */
@SpringBootTest(classes = PlatformTestApplication.class)
public abstract class PlatformHarness {

    protected static final String DATABASE = TestInfrastructure.newDatabase("platform");

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.register(registry, DATABASE);
    }

    protected static List<ConsumerRecord<String, String>> read(
            String topic,
            Predicate<ConsumerRecord<String, String>> matching,
            Predicate<List<ConsumerRecord<String, String>>> enough) {
        return TopicReader.read(TestInfrastructure.kafkaBootstrapServers(), topic, matching, enough);
    }

    protected static String header(ConsumerRecord<String, String> record, String name) {
        return TopicReader.header(record, name);
    }
}
