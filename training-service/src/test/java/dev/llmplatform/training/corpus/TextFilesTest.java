package dev.llmplatform.training.corpus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextFilesTest {

    @TempDir
    Path base;

    @Test
    void shouldReadParagraphsOfTextFilesAndTextFieldsOfJsonLinesInPathOrder() throws IOException {
        Path root = Files.createDirectories(base.resolve("datasets"));
        Files.createDirectories(root.resolve("books/b"));
        Files.writeString(root.resolve("books/a.txt"), "First paragraph,\nstill first.\n\n\n  Second.  \r\n\r\nThird 模型\n");
        Files.writeString(root.resolve("books/b/c.jsonl"), "{\"text\": \"from json\", \"id\": 1}\n\n{\"text\": \"again\"}\n");
        Files.writeString(root.resolve("books/notes.md"), "ignored");

        TextFiles files = new TextFiles(root, 1 << 20);

        assertThat(files.documents("books")).containsExactly(
                "First paragraph,\nstill first.", "Second.", "Third 模型", "from json", "again");
        assertThat(files.documents("books/b/c.jsonl")).containsExactly("from json", "again");
    }

    @Test
    void shouldRefusePathsThatEscapeTheDatasetRoot() throws IOException {
        Path root = Files.createDirectories(base.resolve("datasets"));
        Files.writeString(root.resolve("inside.txt"), "fine");
        Path secret = Files.writeString(base.resolve("secret.txt"), "outside the root");
        Files.createSymbolicLink(root.resolve("link.txt"), secret);
        Files.createSymbolicLink(root.resolve("linked-dir"), base);
        TextFiles files = new TextFiles(root, 1 << 20);

        for (String path : new String[] {"../secret.txt", "inside.txt/../../secret.txt", secret.toString(),
                "link.txt", "linked-dir/secret.txt", "linked-dir"}) {
            assertThatThrownBy(() -> files.documents(path)).as(path)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageMatching(".*(escapes the dataset root|must be relative).*");
        }
        assertThat(files.documents("./inside.txt")).containsExactly("fine");
    }

    @Test
    void shouldRefuseLookAlikeInvisibleAndOverlongPathsEvenWhenSuchAFileExists() throws IOException {
        Path root = Files.createDirectories(base.resolve("datasets"));
        TextFiles files = new TextFiles(root, 1 << 20);
        for (String name : new String[] {"．．", "ａ.txt", "a\u202etxt.txt", "a\u200b.txt", "b\u2024.txt"}) {
            Files.writeString(root.resolve(name), "text");
            assertThatThrownBy(() -> files.documents(name)).as(name)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid dataset path");
        }
        String deep = "d/".repeat(600) + "x.txt";
        assertThatThrownBy(() -> files.documents(deep)).hasMessageContaining("longer than");
        assertThatThrownBy(() -> files.documents("x".repeat(256) + ".txt")).hasMessageContaining("longer than 255 bytes");
        assertThatThrownBy(() -> files.documents("a\u0000.txt")).hasMessageContaining("invalid dataset path");
    }

    @Test
    void shouldNotFollowALinkOutOfTheRootWhileReadingAFolder() throws IOException {
        Path root = Files.createDirectories(base.resolve("datasets"));
        Files.createDirectories(root.resolve("set"));
        Files.writeString(root.resolve("set/a.txt"), "inside");
        Files.createSymbolicLink(root.resolve("set/b.txt"), Files.writeString(base.resolve("secret.txt"), "outside"));

        assertThatThrownBy(() -> new TextFiles(root, 1 << 20).documents("set"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("escapes the dataset root");
    }

    @Test
    void shouldRejectMissingBadAndOversizedData() throws IOException {
        Path root = Files.createDirectories(base.resolve("datasets"));
        Files.writeString(root.resolve("bad.jsonl"), "{\"text\": \"ok\"}\n{\"body\": \"no text field\"}\n");
        Files.write(root.resolve("latin1.txt"), "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
        Files.writeString(root.resolve("big.txt"), "x".repeat(101));
        TextFiles files = new TextFiles(root, 100);

        assertThatThrownBy(() -> files.documents("missing")).hasMessageContaining("no dataset at");
        assertThatThrownBy(() -> files.documents("bad.jsonl")).hasMessageContaining("line 2");
        assertThatThrownBy(() -> files.documents("latin1.txt")).hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> files.documents("big.txt")).hasMessageContaining("more than 100 bytes");
    }

    @Test
    void shouldHoldOutTheLastFivePercentOfDocuments() {
        Corpus corpus = Corpus.holdOutTail(java.util.stream.IntStream.range(0, 100).mapToObj(i -> "doc " + i).toList(), 0.05);

        assertThat(corpus.train()).hasSize(95).endsWith("doc 94");
        assertThat(corpus.eval()).containsExactly("doc 95", "doc 96", "doc 97", "doc 98", "doc 99");
        assertThatThrownBy(() -> Corpus.holdOutTail(java.util.List.of("only one"), 0.05))
                .hasMessageContaining("at least 2");
    }
}
