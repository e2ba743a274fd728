package dev.llmplatform.tokenizer;

import dev.llmplatform.model.ModelStore;
import dev.llmplatform.tokenizer.generation.PromptPreparer;
import dev.llmplatform.tokenizer.generation.StoppedRequests;
import dev.llmplatform.tokenizer.generation.TokenStreamDecoder;
import dev.llmplatform.tokenizer.text.TokenizerCache;
import dev.llmplatform.tokenizer.tokenize.TokenizeResponder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the Spring-free tokenizer cores. */
@Configuration(proxyBeanMethods = false)
class TokenizerConfiguration {

    @Bean
    ModelStore modelStore(TokenizerProperties properties) {
        return new ModelStore(properties.modelStore());
    }

    @Bean
    TokenizerCache tokenizerCache(ModelStore store, TokenizerProperties properties) {
        return new TokenizerCache(store, properties.cachedTokenizers());
    }

    @Bean
    PromptPreparer promptPreparer(TokenizerCache tokenizers, TokenizerProperties properties) {
        return new PromptPreparer(tokenizers, properties.maxPromptTokens());
    }

    @Bean
    TokenizeResponder tokenizeResponder(TokenizerCache tokenizers) {
        return new TokenizeResponder(tokenizers);
    }

    @Bean
    TokenStreamDecoder tokenStreamDecoder(TokenizerCache tokenizers, TokenizerProperties properties) {
        return new TokenStreamDecoder(tokenizers, new StoppedRequests(properties.stoppedRequests()));
    }
}
