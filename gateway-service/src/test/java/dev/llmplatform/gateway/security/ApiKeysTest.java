package dev.llmplatform.gateway.security;

import dev.llmplatform.gateway.GatewayProperties.Security;
import dev.llmplatform.gateway.support.TestKeys;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeysTest {

    @Test
    void shouldHashLikeSha256sumAndMatchOnlyConfiguredKeys() {
        assertThat(ApiKeys.hash(TestKeys.ALPHA)).isEqualTo(TestKeys.ALPHA_HASH);
        ApiKeys keys = new ApiKeys(List.of(TestKeys.ALPHA_HASH.toUpperCase(), TestKeys.BRAVO_HASH));

        assertThat(keys.match(TestKeys.ALPHA)).isEqualTo(TestKeys.ALPHA_HASH);
        assertThat(keys.match(TestKeys.BRAVO)).isEqualTo(TestKeys.BRAVO_HASH);
        assertThat(keys.match(TestKeys.CHARLIE)).isNull();
        assertThat(keys.match(TestKeys.ALPHA_HASH)).as("the hash is not a key").isNull();
    }

    @Test
    void shouldMaskAllButTheEnds() {
        assertThat(ApiKeys.mask("sk-abcdefghijklmnop1234")).startsWith("sk-").endsWith("1234").doesNotContain("efgh");
        assertThat(ApiKeys.mask("short-key")).isEqualTo("****");
    }

    @Test
    void shouldRefuseSettingsThatLockEveryoneOutOrHoldAKey() {
        assertThatThrownBy(() -> new Security(true, List.of(), List.of(), null))
                .hasMessageContaining("api-key-hashes is empty");
        assertThatThrownBy(() -> new Security(false, List.of("sk-a-real-key-pasted-by-mistake"), null, null))
                .hasMessageContaining("64 hex digits")
                .message().doesNotContain("pasted");
        assertThat(new Security(false, null, null, null).apiKeyHashes()).isEmpty();
    }
}
