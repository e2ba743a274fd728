package dev.llmplatform.launcher.models;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServedFolderTest {

    @TempDir
    Path tmp;

    @Test
    void shouldPutAFolderIntoTheStoreOnceAndANewVersionWhenItChanges() throws IOException {
        Path source = tmp.resolve("My Model (v2)");
        Files.createDirectories(source.resolve("onnx"));
        Files.writeString(source.resolve("config.json"), "{}");
        Files.writeString(source.resolve("onnx/model.onnx"), "graph");
        Path store = tmp.resolve("store");

        Path first = ServedFolder.install(store, List.of(ServedFolder.Argument.parse(source.toString()))).getFirst();
        Path again = ServedFolder.install(store, List.of(ServedFolder.Argument.parse(source.toString()))).getFirst();
        Files.writeString(source.resolve("onnx/model.onnx"), "another graph");
        Path changed = ServedFolder.install(store, List.of(ServedFolder.Argument.parse(source + "=mine"))).getFirst();
        Path changedAgain = ServedFolder.install(store, List.of(ServedFolder.Argument.parse(source + "=mine"))).getFirst();

        assertThat(first).isEqualTo(store.resolve("My-Model--v2-/1"));
        assertThat(again).isEqualTo(first);
        assertThat(changed).isEqualTo(store.resolve("mine/1"));
        assertThat(changedAgain).isEqualTo(changed);
        assertThat(Files.readString(first.resolve("onnx/model.onnx"))).isEqualTo("another graph");   // a hard link
        assertThat(Files.isSameFile(first.resolve("config.json"), source.resolve("config.json"))).isTrue();
    }

    @Test
    void shouldRefuseAFolderWithoutAModelAndAnUnsafeName() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));

        assertThatThrownBy(() -> ServedFolder.install(tmp.resolve("store"), List.of(ServedFolder.Argument.parse(empty.toString()))))
                .hasMessageContaining("no model there");
        assertThatThrownBy(() -> ServedFolder.Argument.parse(empty + "=../escape"))
                .hasMessageContaining("invalid model name");
    }
}
