package till.platform.kafka;

import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Declares every SPEC topic so a service starts against an empty broker; existing topics are left as they are.
 * How many partitions: {@code till.topics.partitions} ({@link KafkaProperties}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(KafkaProperties.class)
class TopicDeclarations {

    @Bean
    KafkaAdmin.NewTopics tillTopics(KafkaProperties properties) {
        int partitions = properties.topics().partitions();
        return new KafkaAdmin.NewTopics(Topics.ALL.stream()
                .map(name -> new NewTopic(name, partitions, (short) 1))
                .toArray(NewTopic[]::new));
    }
}
