package dev.llmplatform.training.corpus;

import dev.llmplatform.contracts.ErrorInfo;
import dev.llmplatform.contracts.Messages;
import dev.llmplatform.model.SafePaths;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Documents from UTF-8 files under one allowed root directory: a {@code .txt} file holds documents
 * separated by blank lines, a {@code .jsonl} file one JSON object per line with a {@code text}
 * field. A dataset path names a file or a folder (read recursively, in path order, so the same
 * folder always gives the same documents). A job names its path; nothing it names may lie outside
 * the root, through {@code ..}, an absolute path or a symbolic link.
 */
public final class TextFiles {

    private static final Pattern BLANK_LINES = Pattern.compile("\\R\\s*\\R");

    private final Path root;
    private final long maxBytes;

    /** @param maxBytes the most bytes one dataset may hold, so a job cannot exhaust the heap */
    public TextFiles(Path root, long maxBytes) {
        this.root = root.toAbsolutePath().normalize();
        this.maxBytes = maxBytes;
    }

    /** The documents of the dataset at {@code relativePath}, in order. */
    public List<String> documents(String relativePath) {
        List<String> documents = new ArrayList<>();
        long bytes = 0;
        for (Path file : files(resolve(relativePath))) {
            try {
                bytes += Files.size(file);
                if (bytes > maxBytes) {
                    throw new IllegalArgumentException("dataset '" + relativePath + "' holds more than " + maxBytes + " bytes");
                }
                String text = Files.readString(file, StandardCharsets.UTF_8);
                if (file.getFileName().toString().endsWith(".jsonl")) {
                    jsonLines(file, text, documents);
                } else {
                    paragraphs(text, documents);
                }
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("dataset file " + root.relativize(file) + " is not UTF-8 text");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read dataset file " + file, e);
            }
        }
        if (documents.isEmpty()) {
            throw new IllegalArgumentException("dataset '" + relativePath + "' holds no text (.txt or .jsonl files)");
        }
        return documents;
    }

    /** The real path of a dataset, refused unless it exists and lies under the root. */
    public Path resolve(String relativePath) {
        if (relativePath == null || relativePath.isBlank()) {
            throw new IllegalArgumentException("a files dataset needs a path relative to the dataset root");
        }
        try {
            Path relative = Path.of(relativePath);
            if (relative.isAbsolute()) {
                throw new IllegalArgumentException("dataset path '" + relativePath + "' must be relative to the dataset root");
            }
            Path candidate = root.resolve(relative).normalize();
            if (!candidate.startsWith(root)) {
                throw new IllegalArgumentException("dataset path '" + relativePath + "' escapes the dataset root");
            }
            // Then what the gateway refuses too: look-alikes, invisible and control characters, overlong names.
            String problem = SafePaths.problem(relativePath);
            if (problem != null) {
                throw new IllegalArgumentException("invalid dataset path '" + ErrorInfo.cut(relativePath, 100) + "': " + problem);
            }
            if (!Files.exists(candidate)) {
                throw new IllegalArgumentException("no dataset at '" + relativePath + "'");
            }
            return insideRoot(candidate.toRealPath(), relativePath);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("invalid dataset path '" + relativePath + "'");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Symbolic links are followed only to targets inside the root. */
    private Path insideRoot(Path real, String relativePath) throws IOException {
        if (!real.startsWith(root.toRealPath())) {
            throw new IllegalArgumentException("dataset path '" + relativePath + "' escapes the dataset root");
        }
        return real;
    }

    private List<Path> files(Path dataset) {
        if (Files.isRegularFile(dataset)) {
            return List.of(dataset);
        }
        try (Stream<Path> walk = Files.walk(dataset)) {
            List<Path> files = new ArrayList<>();
            for (Path file : walk.filter(TextFiles::isText).sorted(Comparator.comparing(Path::toString)).toList()) {
                files.add(insideRoot(file.toRealPath(), root.relativize(file).toString()));
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list dataset " + dataset, e);
        }
    }

    private static boolean isText(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".txt") || name.endsWith(".jsonl"));
    }

    private static void paragraphs(String text, List<String> out) {
        for (String paragraph : BLANK_LINES.split(text)) {
            String document = paragraph.strip();
            if (!document.isEmpty()) {
                out.add(document);
            }
        }
    }

    private void jsonLines(Path file, String text, List<String> out) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode value;
            try {
                value = Messages.mapper().readTree(lines.get(i)).get("text");
            } catch (JacksonException e) {
                value = null;
            }
            if (value == null || !value.isString()) {
                throw new IllegalArgumentException(root.relativize(file) + " line " + (i + 1)
                        + ": expected a JSON object with a \"text\" string");
            }
            if (!value.stringValue().isBlank()) {
                out.add(value.stringValue());
            }
        }
    }
}
