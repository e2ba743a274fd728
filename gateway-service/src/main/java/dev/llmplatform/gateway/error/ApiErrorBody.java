package dev.llmplatform.gateway.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.llmplatform.contracts.ErrorInfo;

/** OpenAI's error body: {@code {"error":{"message","type","param","code"}}}, nulls written out. */
public record ApiErrorBody(Detail error) {

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Detail(String message, String type, String param, String code) {
    }

    public static ApiErrorBody of(ErrorInfo info) {
        return new ApiErrorBody(new Detail(info.message(), info.type(), info.param(), info.code()));
    }
}
