package till.platform;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationContext;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * When started by the embedded stack ({@code -Dtill.parent-pid}), the service stops itself once the stack's
 * process is gone, so a killed stack leaves no service JVM behind. Without the property it does nothing.
 */
@Component
class ParentProcessWatch {

    private static final Logger log = LoggerFactory.getLogger(ParentProcessWatch.class);

    private final long parentPid;

    ParentProcessWatch(@Value("${till.parent-pid:0}") long parentPid) {
        this.parentPid = parentPid;
    }

    @EventListener
    void on(ContextRefreshedEvent event) {
        if (parentPid <= 0) {
            return;
        }
        ApplicationContext context = event.getApplicationContext();
        Thread.ofPlatform().daemon().name("parent-watch").start(() -> {
            while (ProcessHandle.of(parentPid).map(ProcessHandle::isAlive).orElse(false)) {
                try {
                    Thread.sleep(Duration.ofSeconds(1));
                } catch (InterruptedException e) {
                    return;
                }
            }
            log.warn("the stack that started this service (pid {}) is gone; shutting down", parentPid);
            System.exit(SpringApplication.exit(context));
        });
    }
}
