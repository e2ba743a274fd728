package dev.llmplatform.model.safetensors;

import dev.llmplatform.contracts.Messages;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The weights of a Hugging Face checkpoint folder: {@code model.safetensors}, or the shards that
 * {@code model.safetensors.index.json} lists in its {@code weight_map} (tensor name → shard file).
 * Every shard is opened and its header checked up front; tensor data is mapped only when read.
 */
public final class SafetensorsCheckpoint implements AutoCloseable {

    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private final Path dir;
    private final Map<String, SafetensorsReader> byTensor;
    private final Map<String, SafetensorsReader> shards;

    private SafetensorsCheckpoint(Path dir, Map<String, SafetensorsReader> byTensor, Map<String, SafetensorsReader> shards) {
        this.dir = dir;
        this.byTensor = byTensor;
        this.shards = shards;
    }

    public static SafetensorsCheckpoint open(Path dir) throws IOException {
        Map<String, SafetensorsReader> shards = new LinkedHashMap<>();
        Map<String, SafetensorsReader> byTensor = new LinkedHashMap<>();
        try {
            Path index = dir.resolve(INDEX_FILE);
            if (Files.exists(index)) {
                for (Map.Entry<String, String> e : weightMap(index).entrySet()) {
                    SafetensorsReader shard = shards.get(e.getValue());
                    if (shard == null) {
                        shard = openShard(index, dir.resolve(e.getValue()), e.getValue());
                        shards.put(e.getValue(), shard);
                    }
                    if (!shard.entries().containsKey(e.getKey())) {
                        throw new IOException(shard.file() + ": tensor " + e.getKey() + " is missing, though "
                                + INDEX_FILE + " places it in this shard");
                    }
                    byTensor.put(e.getKey(), shard);
                }
            } else if (Files.exists(dir.resolve(SINGLE_FILE))) {
                SafetensorsReader single = SafetensorsReader.open(dir.resolve(SINGLE_FILE));
                shards.put(SINGLE_FILE, single);
                single.entries().keySet().forEach(name -> byTensor.put(name, single));
            } else {
                throw new NoSuchFileException(dir + ": neither " + SINGLE_FILE + " nor " + INDEX_FILE + " found");
            }
            return new SafetensorsCheckpoint(dir, Collections.unmodifiableMap(byTensor), shards);
        } catch (IOException | RuntimeException e) {
            for (SafetensorsReader r : shards.values()) {
                r.close();
            }
            throw e;
        }
    }

    public Path dir() {
        return dir;
    }

    /** Every tensor name, in index (or file) order. */
    public Set<String> names() {
        return byTensor.keySet();
    }

    public boolean contains(String name) {
        return byTensor.containsKey(name);
    }

    /** The header entry of a tensor; an IOException naming the checkpoint when there is none. */
    public SafetensorsReader.Entry entry(String name) throws IOException {
        return reader(name).entry(name);
    }

    /** The file that holds a tensor. */
    public Path fileOf(String name) throws IOException {
        return reader(name).file();
    }

    /** A tensor's values as float32, row-major (mapped from its shard, converted from F16/BF16). */
    public float[] floats(String name) throws IOException {
        return reader(name).floats(name);
    }

    /** A 2-D tensor read as its transpose, without a second full-size array (see {@link SafetensorsReader#floatsTransposed}). */
    public float[] floatsTransposed(String name) throws IOException {
        return reader(name).floatsTransposed(name);
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (SafetensorsReader r : shards.values()) {
            try {
                r.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private SafetensorsReader reader(String name) throws IOException {
        SafetensorsReader r = byTensor.get(name);
        if (r == null) {
            throw new IOException(dir.resolve(shards.containsKey(SINGLE_FILE) ? SINGLE_FILE : INDEX_FILE)
                    + ": tensor " + name + " is missing");
        }
        return r;
    }

    private static Map<String, String> weightMap(Path index) throws IOException {
        JsonNode map;
        try {
            map = Messages.mapper().readTree(Files.readString(index)).get("weight_map");
        } catch (JacksonException e) {
            throw new IOException(index + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (map == null || !map.isObject()) {
            throw new IOException(index + ": no weight_map object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        map.properties().forEach(e -> out.put(e.getKey(), e.getValue().asString()));
        return out;
    }

    private static SafetensorsReader openShard(Path index, Path shard, String name) throws IOException {
        if (name.contains("/") || name.contains("\\") || name.equals("..")) {
            throw new IOException(index + ": shard name '" + name + "' must be a file in the same folder");
        }
        if (!Files.exists(shard)) {
            throw new NoSuchFileException(index + ": shard " + name + " listed in weight_map does not exist");
        }
        return SafetensorsReader.open(shard);
    }
}
