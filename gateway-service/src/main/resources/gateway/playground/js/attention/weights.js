// Reading a POST /v1/attention answer:
//   {kind, causal, tokens: [n], layers: L, heads: H, attention: [layer][head][query][key]}

export const AVERAGE = 'average';

/** The query × key weights of one head, or the mean over the layer's heads for AVERAGE. */
export function weightsOf(answer, layer, head) {
  const heads = answer.attention[layer];
  if (head !== AVERAGE) {
    return heads[Number(head)];
  }
  const n = answer.tokens.length;
  return Array.from({ length: n }, (_, q) => Array.from({ length: n },
    (_, k) => heads.reduce((sum, h) => sum + h[q][k], 0) / heads.length));
}

/** Whether a query may attend to a key at all: a causal model sees only itself and what is before it. */
export function visibleTo(causal, query, key) {
  return !causal || key <= query;
}

/** What the picture shows, in words, from the answer's own causal flag. */
export function caption(answer) {
  return answer.causal
    ? `${answer.model} is a decoder: attention is causal, so each token attends only to itself and the`
      + ' tokens to its left. Lines only go back, and the upper right of the map is masked (hatched).'
    : `${answer.model} is an encoder: attention is bidirectional, so each token attends to every token,`
      + ' left and right. Lines go both ways, and the whole map is filled.';
}
