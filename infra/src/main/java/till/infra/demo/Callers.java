package till.infra.demo;

/**
 * Who calls Till, as in a shop: the cashier sells (and asks how a sale went), the admin sets up the products and
 * customers sold to and reads the actuator (docs/SPEC.md, Security).
 */
public record Callers(TillClient cashier, TillClient admin) {}
