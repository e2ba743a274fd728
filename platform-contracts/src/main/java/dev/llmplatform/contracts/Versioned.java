package dev.llmplatform.contracts;

/** Every message carries the schema version it was written with. */
public interface Versioned {
    int schemaVersion();

    static int check(int version, int current, String type) {
        if (version < 1 || version > current) {
            throw new IllegalArgumentException(type + " schemaVersion " + version + " is not supported (1.." + current + ")");
        }
        return version;
    }
}
