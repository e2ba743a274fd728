package dev.llmplatform.launcher.kafka;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The in-process broker as a process of its own (the process mode's broker):
 * {@code KafkaBrokerMain DATA_DIR BROKER_PORT CONTROLLER_PORT}. Prints {@link #READY} once it listens;
 * SIGTERM shuts it down cleanly, SIGKILL is a broker crash.
 */
public final class KafkaBrokerMain {

    public static final String READY = "kafka broker ready";

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: KafkaBrokerMain DATA_DIR BROKER_PORT CONTROLLER_PORT");
        }
        InProcessKafkaBroker broker = new InProcessKafkaBroker(Path.of(args[0]), Integer.parseInt(args[1]),
                Integer.parseInt(args[2])).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "broker-shutdown"));
        System.out.println(READY + " on " + broker.bootstrapServers());
        stopped.await();
    }
}
