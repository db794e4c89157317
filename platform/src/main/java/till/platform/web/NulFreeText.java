package till.platform.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JacksonModule;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.module.SimpleModule;

/**
 * PostgreSQL cannot store U+0000 in {@code text} or {@code jsonb}: a JSON string holding one is refused where the
 * service reads it (a 400 naming the field, or a dead letter with the reason), not by the database with a 500.
 * Spring Boot adds this module to the service's one {@code JsonMapper}, which reads requests and messages alike.
 */
@Configuration(proxyBeanMethods = false)
public class NulFreeText {

    @Bean
    JacksonModule nulFreeTextModule() {
        return new SimpleModule("till-nul-free-text").addDeserializer(String.class, new Strings());
    }

    static final class Strings extends StringDeserializer {

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) {
            String text = super.deserialize(parser, context);
            if (text != null && text.indexOf('\u0000') >= 0) {
                return context.reportInputMismatch(this, "must not contain the NUL character (U+0000)");
            }
            return text;
        }
    }
}
