package till.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.io.support.ResourcePropertySource;

/**
 * The settings every Till service shares ({@code till/platform/defaults.properties}), added behind everything else,
 * so that a service's own properties and the environment still win. Added before the application starts (listed
 * in {@code META-INF/spring.factories}) rather than with {@code @PropertySource}, which is read only after logging
 * has started: the shared log pattern lives here too.
 */
public class PlatformDefaults implements EnvironmentPostProcessor {

    static final String LOCATION = "classpath:till/platform/defaults.properties";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        try {
            environment.getPropertySources().addLast(new ResourcePropertySource("till-platform-defaults", LOCATION));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + LOCATION, e);
        }
    }
}
