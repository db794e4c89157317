package till.platform.kafka;

import org.apache.kafka.clients.admin.NewTopic;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Declares every SPEC topic so a service starts against an empty broker; existing topics are left as they are.
 * Twelve partitions by default spreads product, customer and checkout keys over the consumers.
 */
@Configuration(proxyBeanMethods = false)
class TopicDeclarations {

    @Bean
    KafkaAdmin.NewTopics tillTopics(@Value("${till.topics.partitions:12}") int partitions) {
        return new KafkaAdmin.NewTopics(Topics.ALL.stream()
                .map(name -> new NewTopic(name, partitions, (short) 1))
                .toArray(NewTopic[]::new));
    }
}
