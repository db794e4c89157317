package till.platform;

import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Imported by each service's application class: the outbox, inbox, listener error policy and web errors. The
 * settings every service shares come with the platform on the class path ({@link PlatformDefaults}).
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan(basePackageClasses = TillPlatform.class)
@EnableScheduling
public class TillPlatform {}
