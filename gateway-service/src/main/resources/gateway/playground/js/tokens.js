// Renders generated text as one box per token (see token-align.js for what a box holds); the
// user points at a box to see its probabilities (token-details.js).

/** Shows whitespace a token carries, so " " and "\n" tokens stay visible. */
export function visible(text) {
  return text.replace(/\n/g, '↵').replace(/\t/g, '⇥').replace(/ /g, '·');
}

function probabilityClass(logprob) {
  const p = Math.exp(logprob);
  return p >= 0.9 ? 'p-high' : p >= 0.5 ? 'p-mid' : p >= 0.1 ? 'p-low' : 'p-rare';
}

/** Appends boxes to an output element; tells onSelect which piece the user points at. */
export class TokenView {
  constructor(container, onSelect) {
    this.container = container;
    this.onSelect = onSelect;
    this.pieces = [];
    this.active = null;
    container.addEventListener('mouseover', (e) => this.#select(e.target));
    container.addEventListener('click', (e) => this.#select(e.target));
  }

  /** Tokens shown so far (a group of byte tokens counts each of them). */
  get count() {
    return this.pieces.reduce((n, piece) => n + (piece.extra ? 0 : piece.tokens?.length ?? 1), 0);
  }

  append(piece) {
    const span = document.createElement('span');
    span.className = `tok ${this.pieces.length % 2 === 0 ? 'a' : 'b'}`;
    if (piece.logprob !== null && Number.isFinite(piece.logprob)) {
      span.classList.add(probabilityClass(piece.logprob));
    }
    if (piece.tokens) {
      span.classList.add('group');
      span.title = `${piece.tokens.length} tokens make this text`;
    }
    if (piece.extra) {
      span.classList.add('extra');
      span.title = 'Generated but not in the text: an end token, or cut by a stop sequence';
    }
    span.dataset.index = String(this.pieces.length);
    // A newline token shows its mark and still breaks the line.
    const lines = piece.text.split('\n');
    lines.forEach((line, i) => {
      if (i > 0) {
        const mark = document.createElement('span');
        mark.className = 'ws';
        mark.textContent = '↵';
        span.append(mark, '\n');
      }
      span.append(line);
    });
    this.pieces.push(piece);
    this.container.append(span);
  }

  #select(target) {
    const span = target.closest?.('.tok');
    if (!span || !this.container.contains(span)) {
      return;
    }
    this.active?.classList.remove('active');
    span.classList.add('active');
    this.active = span;
    this.onSelect(this.pieces[Number(span.dataset.index)]);
  }
}
