package till.platform;

import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Imported by each service's application class: the outbox, inbox, listener error policy and web errors, and the
 * settings every service shares ({@code till/platform/defaults.properties}; a service's own properties win).
 */
@Configuration(proxyBeanMethods = false)
@ComponentScan(basePackageClasses = TillPlatform.class)
@PropertySource("classpath:till/platform/defaults.properties")
@EnableScheduling
public class TillPlatform {}
