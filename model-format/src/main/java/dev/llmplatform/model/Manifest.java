package dev.llmplatform.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.Map;
import java.util.TreeMap;

/**
 * {@code manifest.json}: platform metadata of one model package.
 *
 * @param kind        {@link ModelKind}: "decoder" (text generation), "encoder" (embeddings) or "cross-encoder"
 *                    (pair relevance)
 * @param files       file name → sha256 hex, for every file of the package but the manifest
 * @param evalMetrics e.g. {@code eval_loss}, {@code unigram_eval_loss}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manifest(
        String id,
        String name,
        String version,
        String kind,
        Map<String, String> files,
        long parameterCount,
        String trainingJob,
        Map<String, Double> evalMetrics,
        String description,
        long createdEpochMs) {

    public Manifest {
        files = files == null ? Map.of() : new TreeMap<>(files);
        evalMetrics = evalMetrics == null ? Map.of() : new TreeMap<>(evalMetrics);
        kind = kind == null ? "decoder" : kind;
    }

    /**
     * True when every file the manifest lists is in {@code dir} with the sha256 it names: a package the
     * platform wrote (or a complete copy of one) is then whole, however recently its files were written.
     */
    public boolean matches(java.nio.file.Path dir) {
        if (files.isEmpty()) {
            return false;
        }
        try {
            for (Map.Entry<String, String> f : files.entrySet()) {
                java.nio.file.Path file = dir.resolve(f.getKey());
                if (!java.nio.file.Files.isRegularFile(file) || !f.getValue().equals(ModelPackageWriter.sha256(file))) {
                    return false;
                }
            }
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    public double evalLoss() {
        return evalMetrics.getOrDefault("eval_loss", Double.NaN);
    }
}
