package dev.llmplatform.tokenizer.analysis;

import dev.llmplatform.tokenizer.text.TokenizerCache;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the Spring-free {@link AnalysisPreparer}. */
@Configuration(proxyBeanMethods = false)
class AnalysisConfiguration {

    @Bean
    AnalysisPreparer analysisPreparer(TokenizerCache tokenizers) {
        return new AnalysisPreparer(tokenizers);
    }
}
