// Lines up a stream's text with its tokens. The two need not agree chunk by chunk: the server
// holds text back while it ends in part of a UTF-8 character or in a possible stop string, a
// token holding part of a character reads as U+FFFD, and an end token adds no text at all. So
// tokens are matched against the text received so far and shown:
//   - one box per token whose text is next in the output;
//   - one box for a run of tokens that together make some characters (their joint probability);
//   - at the end, tokens the text never showed (an end token, one cut by a stop sequence) as "extra".

const PARTIAL = '\uFFFD';

/** A piece of a completions chunk: {text, tokens} with tokens null when the server sent no logprobs. */
export function completionChunk(choice) {
  const lp = choice?.logprobs;
  const tokens = lp && Array.isArray(lp.tokens)
    ? lp.tokens.map((token, i) => ({
      text: token,
      logprob: lp.token_logprobs?.[i] ?? null,
      top: lp.top_logprobs?.[i] ?? null,
    }))
    : null;
  return { text: choice?.text ?? '', tokens };
}

/** A piece of a chat chunk: logprobs.content[] holds {token, logprob, top_logprobs: [{token, logprob}]}. */
export function chatChunk(choice) {
  const content = choice?.logprobs?.content;
  const tokens = Array.isArray(content)
    ? content.map((t) => ({
      text: t.token,
      logprob: t.logprob ?? null,
      top: Object.fromEntries((t.top_logprobs ?? []).map((alt) => [alt.token, alt.logprob])),
    }))
    : null;
  return { text: choice?.delta?.content ?? '', tokens };
}

const whole = (token) => !token.text.includes(PARTIAL);

export class TokenAligner {
  /** @param emit receives each box: {text, logprob, top} or a group {text, logprob, top: null, tokens} */
  constructor(emit) {
    this.emit = emit;
    this.text = '';
    this.tokens = [];
  }

  push({ text, tokens }) {
    if (tokens === null) {
      // No logprobs: each chunk's text is one box, which is all the boundaries we know.
      this.#flushText();
      if (text !== '') {
        this.emit({ text, logprob: null, top: null });
      }
      return;
    }
    this.text += text;
    this.tokens.push(...tokens);
    this.#drain();
  }

  /** The stream ended: show what is left. */
  finish() {
    this.#drain();
    for (const token of this.tokens) {
      this.emit({ ...token, extra: true });
    }
    this.tokens = [];
    this.#flushText();
  }

  #drain() {
    this.#takeWholeTokens();
    if (this.tokens.length === 0 || this.text === '') {
      return; // tokens wait for their text, or text for its tokens
    }
    // The first token is not next in the text: it holds part of a character. Whole tokens at the
    // end that match the end of the text are their own boxes; the rest form one group.
    const tail = [];
    let end = this.text.length;
    for (let i = this.tokens.length - 1; i > 0; i--) {
      const token = this.tokens[i];
      if (!whole(token) || token.text === '' || !this.text.slice(0, end).endsWith(token.text)
          || end - token.text.length <= 0) {
        break;
      }
      end -= token.text.length;
      tail.unshift(token);
    }
    const group = this.tokens.slice(0, this.tokens.length - tail.length);
    const joint = group.every((t) => Number.isFinite(t.logprob)) ? group.reduce((sum, t) => sum + t.logprob, 0) : null;
    this.emit(group.length === 1 ? { ...group[0], text: this.text.slice(0, end), tokens: group, logprob: joint }
      : { text: this.text.slice(0, end), logprob: joint, top: null, tokens: group });
    tail.forEach((token) => this.emit(token));
    this.text = '';
    this.tokens = [];
  }

  #takeWholeTokens() {
    while (this.tokens.length > 0) {
      const token = this.tokens[0];
      if (!whole(token) || token.text === '' || !this.text.startsWith(token.text)) {
        return;
      }
      this.emit(token);
      this.text = this.text.slice(token.text.length);
      this.tokens.shift();
    }
  }

  #flushText() {
    if (this.text !== '') {
      this.emit({ text: this.text, logprob: null, top: null });
      this.text = '';
    }
  }
}
