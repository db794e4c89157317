package till.infra.stack;

/**
 * Entry point of the broker's JVM: Kafka's own {@code kafka.Kafka}, plus a watch on the stack's pid so the
 * broker exits if the stack is killed without a chance to stop it.
 */
public final class KafkaMain {

    private KafkaMain() {}

    public static void main(String[] args) throws Exception {
        ParentWatch.start();
        kafka.Kafka.main(args);
    }
}
