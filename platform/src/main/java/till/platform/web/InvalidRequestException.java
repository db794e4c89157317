package till.platform.web;

import java.util.List;

/** A request that passed binding but breaks a rule only the handler can check; answered 400 naming the fields. */
public class InvalidRequestException extends RuntimeException {

    private final List<ProblemDetails.FieldError> errors;

    public InvalidRequestException(String field, String message) {
        this(List.of(new ProblemDetails.FieldError(field, message)));
    }

    public InvalidRequestException(List<ProblemDetails.FieldError> errors) {
        super(errors.toString());
        this.errors = List.copyOf(errors);
    }

    public List<ProblemDetails.FieldError> errors() {
        return errors;
    }
}
