package till.ledger;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.stereotype.Component;

/**
 * Counts the SQL statements a piece of work sends, so tests can assert that hot paths use a bounded number of
 * queries. Test code only: the application's component scan picks it up from the test classpath and it wraps
 * the DataSource; counting is off unless a thread is inside {@link #count}.
 */
@Component
public class StatementCounter implements BeanPostProcessor {

    private static final ThreadLocal<int[]> COUNT = new ThreadLocal<>();

    public record Counted<T>(T result, int statements) {}

    public static <T> Counted<T> count(Supplier<T> work) {
        int[] statements = {0};
        COUNT.set(statements);
        try {
            T result = work.get();
            return new Counted<>(result, statements[0]);
        } finally {
            COUNT.remove();
        }
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof DataSource dataSource && !(bean instanceof Counting)) {
            return new Counting(dataSource);
        }
        return bean;
    }

    static final class Counting extends DelegatingDataSource {

        Counting(DataSource target) {
            super(target);
        }

        @Override
        public Connection getConnection() throws SQLException {
            return counting(super.getConnection());
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return counting(super.getConnection(username, password));
        }

        private static Connection counting(Connection connection) {
            return (Connection) Proxy.newProxyInstance(
                    StatementCounter.class.getClassLoader(),
                    new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        String name = method.getName();
                        int[] statements = COUNT.get();
                        if (statements != null
                                && (name.equals("prepareStatement")
                                        || name.equals("createStatement")
                                        || name.equals("prepareCall"))) {
                            statements[0]++;
                        }
                        try {
                            return method.invoke(connection, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }
}
