package till.platform.security;

import jakarta.servlet.DispatcherType;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import till.platform.web.ProblemDetails;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one set of REST rules for all three services (docs/SPEC.md, Security): a {@code cashier} sells, refunds and
 * reads; an {@code admin} may also change the catalogue, stock, customers, credit limits and payments, and read
 * the actuator. Health is open, for load balancers and the stack's supervisor. Anything not listed is admin's.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(Credentials.class)
public class WebSecurity {

    static final String CASHIER = "CASHIER";
    static final String ADMIN = "ADMIN";

    @Bean
    SecurityFilterChain tillSecurity(HttpSecurity http, JsonMapper json) {
        ProblemAnswers problems = new ProblemAnswers(json);
        return http.authorizeHttpRequests(requests -> requests
                        // An error rendered after the request was let in (a body too large, say) keeps its status.
                        .dispatcherTypeMatchers(DispatcherType.ERROR)
                        .permitAll()
                        .requestMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/**")
                        .permitAll()
                        .requestMatchers(HttpMethod.POST, "/api/checkouts", "/api/checkouts/*/refunds")
                        .hasAnyRole(CASHIER, ADMIN)
                        .requestMatchers(HttpMethod.GET, "/api/checkouts/**", "/api/products/**", "/api/customers/**")
                        .hasAnyRole(CASHIER, ADMIN)
                        .anyRequest()
                        .hasRole(ADMIN))
                .httpBasic(basic -> basic.realmName(ProblemAnswers.REALM).authenticationEntryPoint(problems))
                .exceptionHandling(
                        errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                // Every request carries its credentials (HTTP Basic): no session, no cookie, so no CSRF to guard.
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .build();
    }

    /**
     * No Spring Security observations: with an {@code ObservationRegistry} present it otherwise wraps every filter of
     * the chain, the authentication and the authorization in an observation of its own, on every request. The
     * property {@code management.observations.enable.spring.security=false} only makes those observations no-ops;
     * the wrapping stayed. Removing it was not measurable end to end (ADR 5, round 6), but it is work on every
     * request for nothing. A request keeps its one span, Boot's server observation.
     */
    @Bean
    SecurityObservationSettings tillSecurityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    /** A path the firewall refuses (an encoded slash, say) is the client's error: 400 problem+json. */
    @Bean
    RequestRejectedHandler tillRejectedRequests(JsonMapper json) {
        return (request, response, rejected) -> ProblemDetails.write(
                request, response, HttpStatus.BAD_REQUEST, String.valueOf(rejected.getMessage()), json);
    }

    @Bean
    UserDetailsService tillUsers(Credentials credentials, PasswordEncoder passwords) {
        return new InMemoryUserDetailsManager(
                User.withUsername(credentials.cashier().user())
                        .password(passwords.encode(credentials.cashier().password()))
                        .roles(CASHIER)
                        .build(),
                User.withUsername(credentials.admin().user())
                        .password(passwords.encode(credentials.admin().password()))
                        .roles(ADMIN)
                        .build());
    }

    @Bean
    PasswordEncoder tillPasswords() {
        return new Sha256Passwords();
    }
}
