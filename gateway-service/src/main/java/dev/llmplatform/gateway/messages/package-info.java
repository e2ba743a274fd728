/**
 * Anthropic's Messages API ({@code /v1/messages}, {@code /v1/messages/count_tokens}) mapped onto the chat
 * path: {@code MessagesController} (thin), {@code MessagesProtocol} (Anthropic's JSON), {@code
 * MessagesRequestValidator}, {@code Conversation} and {@code MessagesTools} (Anthropic's rules, the conversation as
 * chat messages, tools as chat's function tools),
 * {@code MessagesService} (generation through {@code serving.GenerationServing}), {@code WholeMessage} and
 * {@code MessageStream} (the answer, built from the same {@code ContentBlocks}), {@code AnthropicErrors}
 * (Anthropic's error body on these routes).
 */
package dev.llmplatform.gateway.messages;
