package dev.llmplatform.gateway.rerank;

/**
 * Example bodies of the OpenAPI document ({@code /openapi.json}) for rerank and score; the answers are what
 * the shipped all-MiniLM-L6-v2 gives (scores rounded to 4 decimals).
 */
final class RerankExamples {

    static final String RERANK_REQUEST = """
            {"model": "all-minilm-l6-v2", "query": "How do I keep my dog healthy?",
             "documents": ["Walk your dog every day and feed it a balanced diet.",
                           {"text": "The stock market closed higher on Friday."}],
             "top_n": 2, "return_documents": true}""";

    static final String RERANK_RESPONSE = """
            {"id": "rerank-5f0c2a9e41d34b7c8a1e2f3b4c5d6e7f", "model": "all-minilm-l6-v2",
             "usage": {"total_tokens": 34},
             "results": [
               {"index": 0, "relevance_score": 0.6954, "document": {"text": "Walk your dog every day and feed it a balanced diet."}},
               {"index": 1, "relevance_score": -0.0230, "document": {"text": "The stock market closed higher on Friday."}}]}""";

    static final String SCORE_REQUEST = """
            {"model": "all-minilm-l6-v2", "text_1": "What is the capital of France?",
             "text_2": ["Paris is the capital of France.", "Bananas are rich in potassium."]}""";

    static final String SCORE_RESPONSE = """
            {"id": "score-9a8b7c6d5e4f40312a1b2c3d4e5f6a7b", "object": "list", "created": 1796000000,
             "model": "all-minilm-l6-v2",
             "data": [{"index": 0, "object": "score", "score": 0.8561},
                      {"index": 1, "object": "score", "score": -0.0360}],
             "usage": {"prompt_tokens": 26, "total_tokens": 26, "completion_tokens": 0}}""";

    private RerankExamples() {
    }
}
