package till.infra;

import java.util.List;
import java.util.Map;
import till.infra.demo.TillClient;
import till.infra.stack.Stack;
import till.infra.stack.TillService;
import tools.jackson.databind.JsonNode;

/** What tests against the shared embedded stack have in common: the URLs and a till's basic moves. */
abstract class StackTest {

    protected final Stack stack = SharedStack.get();
    /** The admin's client: products, customers, the actuator. */
    protected final TillClient client = SharedStack.client();
    /** The cashier's: what a till does, selling and refunding. */
    protected final TillClient cashier = SharedStack.cashier();

    protected final String checkout = SharedStack.url(TillService.Name.CHECKOUT);
    protected final String inventory = SharedStack.url(TillService.Name.INVENTORY);
    protected final String ledger = SharedStack.url(TillService.Name.LEDGER);

    /** A till's and an operator's basic moves on the shared stack. */
    protected final Till till = new Till(cashier, client, checkout, inventory, ledger);

    protected String product(long priceMinor, int onHand) {
        return till.product(priceMinor, onHand);
    }

    protected String customer(long creditLimitMinor) {
        return till.customer(creditLimitMinor);
    }

    protected JsonNode checkoutAndAwait(String customer, List<Map<String, Object>> lines) {
        return till.checkoutAndAwait(customer, lines);
    }

    protected JsonNode stock(String product) {
        return till.stock(product);
    }

    protected long balance(String customer) {
        return till.balance(customer);
    }
}
