package till.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** The REST identities come from the environment only: a service without them stops at start, naming the variable. */
class AServiceWithoutCredentialsDoesNotStartTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(Credentials.class)
    static class Identities {}

    private static final String ADMIN_PASSWORD = "an-admin-password-of-some-length";
    private static final String CASHIER_PASSWORD = "a-cashier-password-of-some-length";

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(Identities.class)
            .withPropertyValues(
                    "till.security.admin.user=boss",
                    "till.security.admin.password=" + ADMIN_PASSWORD,
                    "till.security.cashier.user=till-1",
                    "till.security.cashier.password=" + CASHIER_PASSWORD);

    @Test
    void allFourSetStartIt() {
        context.run(started -> {
            assertThat(started).hasNotFailed();
            Credentials credentials = started.getBean(Credentials.class);
            assertThat(credentials.admin()).isEqualTo(new Credentials.Account("boss", ADMIN_PASSWORD));
            assertThat(credentials.cashier()).isEqualTo(new Credentials.Account("till-1", CASHIER_PASSWORD));
        });
    }

    @Test
    void noneSetStopsItNamingTheFirstVariable() {
        new ApplicationContextRunner()
                .withUserConfiguration(Identities.class)
                .run(started -> assertThat(started)
                        .getFailure()
                        .rootCause()
                        .hasMessageStartingWith("TILL_ADMIN_USER is not set"));
    }

    @Test
    void aMissingOrShortPasswordStopsItNamingTheVariable() {
        context.withPropertyValues("till.security.cashier.password=")
                .run(started -> assertThat(started)
                        .getFailure()
                        .rootCause()
                        .hasMessageStartingWith("TILL_CASHIER_PASSWORD is not set"));
        context.withPropertyValues("till.security.admin.password=short")
                .run(started -> assertThat(started)
                        .getFailure()
                        .rootCause()
                        .hasMessageStartingWith("TILL_ADMIN_PASSWORD is shorter than 16"));
    }

    @Test
    void oneUserForBothRolesStopsIt() {
        context.withPropertyValues("till.security.cashier.user=boss")
                .run(started -> assertThat(started)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("TILL_ADMIN_USER and TILL_CASHIER_USER are both 'boss'"));
    }
}
