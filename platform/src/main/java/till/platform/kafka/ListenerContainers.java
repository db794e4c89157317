package till.platform.kafka;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;

/**
 * How every listener container commits its offsets: asynchronously, so the next poll does not wait a broker round
 * trip for the last one's commit. Every consumer writes the message id to its inbox in the transaction that
 * applies it, so a commit lost to a crash or a rebalance only redelivers messages the inbox skips (ADR 5).
 */
@Configuration(proxyBeanMethods = false)
class ListenerContainers {

    @Bean
    ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> asyncOffsetCommits() {
        return container -> container.getContainerProperties().setSyncCommits(false);
    }
}
