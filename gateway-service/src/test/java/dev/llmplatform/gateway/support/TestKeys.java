package dev.llmplatform.gateway.support;

/**
 * API keys for tests, with their SHA-256 as {@code printf %s KEY | sha256sum} prints it (computed
 * outside Java, so the gateway's hashing is checked against the documented command).
 */
public final class TestKeys {

    public static final String ALPHA = "sk-test-alpha-0123456789";
    public static final String ALPHA_HASH = "f3cc30144572e7f426d929e72f3d912aafa9db08d78ca9b73621e4ec248b4287";
    public static final String BRAVO = "sk-test-bravo-0123456789";
    public static final String BRAVO_HASH = "1df1b452119b1dbcec7e3fb3240e1d07b50e0b3978951c617675d6ea22d5a142";
    public static final String CHARLIE = "sk-test-charlie-012345678";
    public static final String CHARLIE_HASH = "ee80a269650f16d9f34ba542490c66cc8071922f0e17cfb2bb0c1a0e1fcb747c";
    public static final String DELTA = "sk-test-delta-0123456789";
    public static final String DELTA_HASH = "f41bdf6a2a3e39428ef57b5dac504aa4eb53c39e2bca54221debc4b9226c960e";

    private TestKeys() {
    }
}
