package till.testsupport;

import java.util.function.Supplier;
import javax.sql.DataSource;
import net.ttddyy.dsproxy.QueryCountHolder;
import net.ttddyy.dsproxy.support.ProxyDataSource;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Counts the SQL statements a piece of work runs on the calling thread, so tests can assert that a path sends a
 * bounded number of queries however much data it reads. A test brings it into its application context with
 * {@code @Import(StatementCounter.class)}: it wraps the context's DataSource (datasource-proxy), which then counts
 * every statement each thread executes; {@link #count} reads the calling thread's count around its work.
 */
public class StatementCounter implements BeanPostProcessor {

    public record Counted<T>(T result, long statements) {}

    public static <T> Counted<T> count(Supplier<T> work) {
        QueryCountHolder.clear();
        try {
            T result = work.get();
            return new Counted<>(result, QueryCountHolder.getGrandTotal().getTotal());
        } finally {
            QueryCountHolder.clear();
        }
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof DataSource dataSource && !(bean instanceof ProxyDataSource)) {
            return ProxyDataSourceBuilder.create(dataSource)
                    .name("counted")
                    .countQuery()
                    .build();
        }
        return bean;
    }
}
