package till.platform.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import java.util.Map;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The service's OpenAPI 3 description at {@code /v3/api-docs} (springdoc reads the controllers): titled with the
 * service's name, and with the errors every endpoint can answer, RFC 9457 problem+json as {@link ProblemDetails}
 * writes it, declared on every operation, since no controller declares its own.
 */
@Configuration(proxyBeanMethods = false)
class ApiDescription {

    static final String PROBLEM_JSON = "application/problem+json";

    @Bean
    OpenApiCustomizer problemResponses(@Value("${spring.application.name}") String service) {
        return api -> {
            api.info(new Info()
                    .title(service)
                    .description("Till's " + service + "; the product contract is docs/SPEC.md.")
                    .version("1"));
            if (api.getComponents() == null) {
                api.components(new Components());
            }
            api.getComponents().addSchemas("Problem", problem());
            ApiResponse clientError = problemResponse(
                    "The request is refused: invalid (400, `errors` names each field), not found (404), or in"
                            + " conflict with the current state (409, 412).");
            ApiResponse serverError = problemResponse("The service could not answer (500, 503).");
            if (api.getPaths() == null) {
                return;
            }
            api.getPaths()
                    .values()
                    .forEach(path -> path.readOperations().forEach(operation -> {
                        operation.getResponses().putIfAbsent("4XX", clientError);
                        operation.getResponses().putIfAbsent("5XX", serverError);
                    }));
        };
    }

    private static ApiResponse problemResponse(String description) {
        return new ApiResponse()
                .description(description)
                .content(new Content()
                        .addMediaType(
                                PROBLEM_JSON,
                                new MediaType().schema(new Schema<>().$ref("#/components/schemas/Problem"))));
    }

    @SuppressWarnings("rawtypes")
    private static Schema problem() {
        Schema<?> fieldError = new ObjectSchema()
                .addProperty(
                        "field", new StringSchema().description("a JSON path such as lines[2].quantity, or a header"))
                .addProperty("message", new StringSchema());
        return new ObjectSchema()
                .description("RFC 9457 problem details")
                .properties(Map.of(
                        "type", new StringSchema(),
                        "title", new StringSchema(),
                        "status", new IntegerSchema(),
                        "detail", new StringSchema(),
                        "instance", new StringSchema(),
                        "errors", new ArraySchema().items(fieldError)));
    }
}
