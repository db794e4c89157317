package till.synccheckout;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

@SpringBootApplication
public class SyncCheckoutApplication {

    public static void main(String[] args) {
        ConfigurableApplicationContext context = SpringApplication.run(SyncCheckoutApplication.class, args);
        // Started by a benchmark (-Dtill.parent-pid): stop with it, even when it was killed, leaving no JVM behind.
        String parent = System.getProperty("till.parent-pid");
        if (parent != null) {
            ProcessHandle.of(Long.parseLong(parent))
                    .ifPresentOrElse(
                            p -> p.onExit().thenRun(() -> System.exit(SpringApplication.exit(context))),
                            () -> System.exit(SpringApplication.exit(context)));
        }
    }
}
