package dev.llmplatform.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A streaming POST over a plain socket, so a test can read the first server-sent event and then
 * drop the connection the way a browser tab that closes does: no orderly end, just gone.
 */
final class RawSseClient implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader reader;

    private RawSseClient(Socket socket) throws IOException {
        this.socket = socket;
        this.reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    static RawSseClient post(int port, String path, String json) {
        try {
            Socket socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(30_000);
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
                    + "Accept: text/event-stream\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return new RawSseClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The payload of the next {@code data:} line (headers and chunk-size lines skipped). */
    String nextData() {
        try {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("data:")) {
                    return line.substring("data:".length()).strip();
                }
            }
            throw new IllegalStateException("the stream ended before a data line");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Drops the connection at once (RST rather than FIN), as a client that vanishes would. */
    @Override
    public void close() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
