package dev.llmplatform.model.discovery;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.contracts.ModelEvent.State;
import dev.llmplatform.model.ModelLayout;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * What the platform knows of one version folder: whether it serves, what it is, and the
 * fingerprint of the user's files it was derived from. Kept in {@code .llm-platform/status.json}
 * beside the user's files, so a restart does not convert again, nor retry a folder that failed
 * until its files change.
 *
 * @param progress    0..1 while converting
 * @param message     the reason when failed, the current step while converting
 * @param fingerprint {@link FolderFingerprint#hash()} of the user's files this status is about
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelStatus(
        State state,
        Double progress,
        String message,
        String kind,
        String architecture,
        String sourceFormat,
        String weightFormat,
        Long parameterCount,
        boolean chatTemplate,
        String fingerprint,
        long updatedEpochMs) {

    public static final String FILE = "status.json";

    public static ModelStatus failed(String message, String sourceFormat, String fingerprint, long now) {
        return new ModelStatus(State.FAILED, null, message, null, null, sourceFormat, null, null, false, fingerprint, now);
    }

    public ModelStatus converting(double fraction, String step, long now) {
        return new ModelStatus(State.CONVERTING, fraction, step, kind, architecture, sourceFormat, weightFormat,
                parameterCount, chatTemplate, fingerprint, now);
    }

    public ModelStatus ready(String weights, long parameters, long now) {
        return new ModelStatus(State.READY, null, null, kind, architecture, sourceFormat, weights, parameters,
                chatTemplate, fingerprint, now);
    }

    public ModelStatus failed(String reason, long now) {
        return new ModelStatus(State.FAILED, null, reason, kind, architecture, sourceFormat, weightFormat,
                parameterCount, chatTemplate, fingerprint, now);
    }

    public static Optional<ModelStatus> read(Path versionDir) {
        Path file = versionDir.resolve(ModelLayout.PLATFORM_DIR).resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Messages.fromJson(Files.readString(file), ModelStatus.class));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();    // unreadable: derive it again
        }
    }

    /** Writes the status atomically (temp file, then rename), so readers never see half of it. */
    public void write(Path versionDir) throws IOException {
        Path dir = versionDir.resolve(ModelLayout.PLATFORM_DIR);
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, FILE, ".tmp");
        Files.writeString(tmp, Messages.toJson(this));
        try {
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
