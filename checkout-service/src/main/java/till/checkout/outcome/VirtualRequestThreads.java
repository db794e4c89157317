package till.checkout.outcome;

import org.apache.coyote.ProtocolHandler;
import org.apache.tomcat.util.threads.VirtualThreadExecutor;
import org.springframework.boot.tomcat.TomcatProtocolHandlerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * checkout-service's requests run on virtual threads, one each. A request that waits for its checkout's outcome
 * ({@code Prefer: wait}) parks its thread, which holds no platform thread while parked, so hundreds can wait on a
 * small machine, and it answers in its own dispatch (ADR 13). Only Tomcat's threads: the Kafka listeners and the
 * relay keep their platform threads ({@code spring.threads.virtual.enabled} would move them too).
 */
@Configuration(proxyBeanMethods = false)
class VirtualRequestThreads {

    @Bean
    TomcatProtocolHandlerCustomizer<ProtocolHandler> oneVirtualThreadPerRequest() {
        return handler -> handler.setExecutor(new VirtualThreadExecutor("checkout-http-"));
    }
}
