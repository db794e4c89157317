package till.platform;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * When started by the embedded stack ({@code -Dtill.parent-pid}), the service stops itself once the stack's
 * process is gone, so a killed stack leaves no service JVM behind. Without the property it does nothing.
 */
@Component
class ParentProcessWatch {

    private static final Logger log = LoggerFactory.getLogger(ParentProcessWatch.class);

    @EventListener
    void on(ApplicationReadyEvent ready) {
        ParentProcess.onExit(() -> {
            log.warn("the stack that started this service is gone; shutting down");
            System.exit(SpringApplication.exit(ready.getApplicationContext()));
        });
    }
}
