package dev.llmplatform.gateway.support;

import dev.llmplatform.model.GenerationDefaults;
import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelPackageWriter;
import dev.llmplatform.model.ModelStore;

import java.nio.file.Path;
import java.util.Map;

/** A model store with one small decoder package (config, generation config and manifest; no weights needed). */
public final class TestModelStore {

    public static final String MODEL = "tiny-llama";
    public static final int CONTEXT_LENGTH = 128;

    private TestModelStore() {
    }

    public static ModelPackage writeTinyLlama(Path root, String version) {
        ModelConfig config = ModelConfig.llama(2, 2, 2, 16, 32, 64, CONTEXT_LENGTH, 1, 2, true);
        return ModelPackageWriter.write(new ModelStore(root), MODEL, version, "decoder", config.parameterCount(),
                "job-1", Map.of("eval_loss", 3.25), "a tiny test model", dir -> {
                    ModelPackageWriter.writeJson(dir.resolve(ModelPackage.CONFIG), config);
                    ModelPackageWriter.writeJson(dir.resolve(ModelPackage.GENERATION_CONFIG),
                            new GenerationDefaults(true, 0.8, 0.95, null, 32, 1, 2));
                });
    }
}
