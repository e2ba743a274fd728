/**
 * Reasoning ("thinking") split from the answer, Spring-free, for every endpoint that streams generated text.
 *
 * <p>{@link dev.llmplatform.gateway.reasoning.ReasoningParsers#create} gives one
 * {@link dev.llmplatform.gateway.reasoning.ReasoningSplitter} per choice; feed it each text delta and send the
 * reasoning part as {@code reasoning_content} (chat), a reasoning item (Responses) or a thinking block (Messages),
 * the content part as the answer; call {@code finish()} when the stream ends. A model's parser name comes from
 * {@code reasoning_parser} in its folder's {@code llm-platform.json} or the gateway setting
 * {@code llm.gateway.reasoning-parsers.<model>}.
 *
 * <p>The split lives in the gateway, not in the tokenizer-service, because it is presentation: the tokenizer's
 * events stay plain text (batch jobs and stop strings see the whole output), and each API shapes reasoning its own way.
 */
package dev.llmplatform.gateway.reasoning;
