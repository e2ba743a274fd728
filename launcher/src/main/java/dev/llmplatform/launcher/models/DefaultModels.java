package dev.llmplatform.launcher.models;

import dev.llmplatform.model.ModelConfig;
import dev.llmplatform.model.ModelPackage;
import dev.llmplatform.model.ModelPackageWriter;
import dev.llmplatform.model.ModelStore;
import dev.llmplatform.model.llama.LlamaWeights;
import dev.llmplatform.model.llama.RandomLlama;
import dev.llmplatform.onnx.LlamaOnnxWriter;
import dev.llmplatform.tokenizer.bpe.ByteLevelBpeTrainer;
import dev.llmplatform.tokenizer.bpe.SpecialTokens;
import dev.llmplatform.tokenizer.bpe.TokenizerFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Makes sure the model store holds something to serve before the services start: the model
 * packages shipped with the project (copied from the seed folder, by default {@code ./models}),
 * the pretrained all-MiniLM-L6-v2 encoder (from a jar on the classpath, {@link PretrainedEncoder}),
 * and, when none is there, a small decoder with seeded random weights made on the spot. Nothing
 * is downloaded.
 */
public final class DefaultModels {

    /** A model with seeded random weights, always present: proves the plumbing without any training. */
    public static final String RANDOM_MODEL = "tiny-random";
    /** The trained starter model shipped in {@code models/starter/1} (see README for how it was made). */
    public static final String DEFAULT_MODEL = "starter";
    private static final long SEED = 20261128L;
    private static final Logger log = LoggerFactory.getLogger(DefaultModels.class);

    private DefaultModels() {
    }

    public static void ensure(Path storeDir, Path seedModels) {
        ModelStore store = new ModelStore(storeDir);
        copySeedModels(store, seedModels);
        PretrainedEncoder.ensure(store, DefaultModels.class.getClassLoader());
        if (store.latestVersion(RANDOM_MODEL).isEmpty()) {
            long t0 = System.nanoTime();
            writeRandomModel(store);
            log.info("wrote model {} (seeded random weights) into {} in {} ms", RANDOM_MODEL, storeDir,
                    (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /** A small Llama-style decoder with seeded random weights and a byte-level BPE trained on seed text. */
    static ModelPackage writeRandomModel(ModelStore store) {
        return writeRandomDecoder(store, RANDOM_MODEL, 256);
    }

    /** The random decoder under another name and context length (tests that need long generations use it). */
    public static ModelPackage writeRandomDecoder(ModelStore store, String name, int contextLength) {
        // The tokenizer's model_max_length bounds the context the package serves: give it the model's.
        TokenizerFiles tokenizer = ByteLevelBpeTrainer.train(SeedText.documents(2_000, SEED),
                new ByteLevelBpeTrainer.Settings(1024, 2, contextLength));
        ModelConfig config = ModelConfig.llama(2, 4, 2, 64, 176, tokenizer.vocabSize(), contextLength,
                SpecialTokens.BOS_ID, SpecialTokens.EOS_ID, true);
        LlamaWeights weights = RandomLlama.create(config, SEED);
        Map<String, Object> generation = new LinkedHashMap<>();
        generation.put("do_sample", true);
        generation.put("temperature", 0.8);
        generation.put("top_p", 0.95);
        generation.put("bos_token_id", config.bosTokenId());
        generation.put("eos_token_id", config.eosTokenId());
        return ModelPackageWriter.write(store, name, "1", "decoder", config.parameterCount(), null, Map.of(),
                "Seeded random weights: proves the plumbing, says nothing", dir -> {
                    LlamaOnnxWriter.write(weights, dir.resolve(ModelPackage.MODEL), new LlamaOnnxWriter.Options(true));
                    ModelPackageWriter.writeJson(dir.resolve(ModelPackage.CONFIG), config);
                    ModelPackageWriter.writeJson(dir.resolve(ModelPackage.GENERATION_CONFIG), generation);
                    tokenizer.write(dir);
                });
    }

    /** Copies each shipped {@code <name>/<version>/} package the store does not have yet. */
    private static void copySeedModels(ModelStore store, Path seedModels) {
        if (seedModels == null || !Files.isDirectory(seedModels)) {
            return;
        }
        ModelStore seeds = new ModelStore(seedModels);
        for (String name : seeds.modelNames()) {
            for (String version : seeds.versions(name)) {
                Path target = store.packageDir(name, version);
                if (!Files.exists(target)) {
                    copyTree(seeds.packageDir(name, version), target);
                    log.info("installed shipped model {}:{} into {}", name, version, store.root());
                }
            }
        }
    }

    private static void copyTree(Path from, Path to) {
        try {
            Path tmp = to.resolveSibling("." + to.getFileName() + ".copy");
            Files.createDirectories(tmp);
            try (Stream<Path> files = Files.list(from)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, tmp.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install model " + from, e);
        }
    }
}
