// The training form as a POST /v1/training/jobs body (snake_case, as the gateway reads it).

const number = (input) => (input.value === '' ? undefined : Number(input.value));

export function jobRequest(form) {
  const f = form.elements;
  return {
    model: f.model.value.trim(),
    dataset: { type: 'synthetic', seed: number(f.dataset_seed), documents: number(f.documents) },
    tokenizer: { vocab_size: number(f.vocab_size) },
    architecture: {
      layers: number(f.layers),
      hidden: number(f.hidden),
      heads: number(f.heads),
      kv_heads: number(f.kv_heads), // left out: as many as heads
      context: number(f.context),
    },
    steps: number(f.steps),
    batch_size: number(f.batch_size),
    learning_rate: number(f.learning_rate),
    seed: number(f.seed),
  };
}
