package dev.llmplatform.training.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The one place that starts DJL's PyTorch engine. The engine reads its settings from system
 * properties, so they are set here, before the first use, and nowhere else: offline (the native
 * bundle is a Maven dependency; nothing may be downloaded at run time) and the intra-op thread
 * count. Spinning OpenMP threads are 5-10x slower on a few shared cores: start the JVM with
 * {@code OMP_WAIT_POLICY=PASSIVE} in its environment (an environment variable, so it cannot be set
 * from Java).
 */
public final class TorchRuntime {

    public static final String ENGINE_NAME = "PyTorch";

    private TorchRuntime() {
    }

    /**
     * Loads the engine (unpacks its native libraries into DJL's cache on the very first start).
     *
     * @param threads intra-op threads; 0 keeps what the JVM was started with (or PyTorch's default)
     */
    public static synchronized Engine engine(int threads) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (threads > 0 && System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        }
        Engine engine = Engine.getEngine(ENGINE_NAME);
        if (threads > 0 && JniUtils.getNumThreads() != threads) {
            JniUtils.setNumThreads(threads);
        }
        return engine;
    }

    /**
     * PyTorch's grad mode is per thread and on by default; DJL turns it off only on the thread that
     * loaded the engine. A thread that runs forward passes outside a gradient collector calls this
     * first, so evaluation builds no graph and in-place optimiser updates are allowed.
     */
    public static void disableGradientsOnThisThread() {
        JniUtils.setGradMode(false);
    }
}
