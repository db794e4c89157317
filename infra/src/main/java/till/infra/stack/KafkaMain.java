package till.infra.stack;

import till.platform.ParentProcess;

/**
 * Entry point of the broker's JVM: Kafka's own {@code kafka.Kafka}, plus a watch on the stack's pid so the
 * broker exits if the stack is killed without a chance to stop it.
 */
public final class KafkaMain {

    private KafkaMain() {}

    public static void main(String[] args) throws Exception {
        ParentProcess.onExit(() -> {
            System.err.println("the stack that started this broker is gone; exiting");
            System.exit(0);
        });
        kafka.Kafka.main(args);
    }
}
