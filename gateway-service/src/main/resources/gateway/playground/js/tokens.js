// Renders generated text token by token, and a token's probability with its top alternatives.
// Log probabilities follow OpenAI's completions shape:
//   choices[0].logprobs = {tokens: [], token_logprobs: [], top_logprobs: [{token: logprob}], text_offset: []}
// and may be null (a server that does not send them): then each chunk's text is one box.

/** Shows whitespace a token carries, so " " and "\n" tokens stay visible. */
export function visible(text) {
  return text.replace(/\n/g, '↵').replace(/\t/g, '⇥').replace(/ /g, '·');
}

/** The pieces a stream chunk brings: one per token with its logprobs, or the whole text as one piece. */
export function piecesOf(choice) {
  const lp = choice?.logprobs;
  if (lp && Array.isArray(lp.tokens) && lp.tokens.length > 0) {
    return lp.tokens.map((token, i) => ({
      text: token,
      logprob: lp.token_logprobs?.[i] ?? null,
      top: lp.top_logprobs?.[i] ?? null,
    }));
  }
  const text = choice?.text ?? '';
  return text === '' ? [] : [{ text, logprob: null, top: null }];
}

function probabilityClass(logprob) {
  const p = Math.exp(logprob);
  return p >= 0.9 ? 'p-high' : p >= 0.5 ? 'p-mid' : p >= 0.1 ? 'p-low' : 'p-rare';
}

/** Appends tokens to an output element; tells onSelect which piece the user points at. */
export class TokenView {
  constructor(container, onSelect) {
    this.container = container;
    this.onSelect = onSelect;
    this.pieces = [];
    this.active = null;
    container.addEventListener('mouseover', (e) => this.#select(e.target));
    container.addEventListener('click', (e) => this.#select(e.target));
  }

  get count() {
    return this.pieces.length;
  }

  append(piece) {
    const span = document.createElement('span');
    span.className = `tok ${this.pieces.length % 2 === 0 ? 'a' : 'b'}`;
    if (piece.logprob !== null && Number.isFinite(piece.logprob)) {
      span.classList.add(probabilityClass(piece.logprob));
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

/** The details of one piece: a table of the chosen token and its alternatives, most likely first. */
export function renderDetails(element, piece) {
  element.replaceChildren();
  const title = document.createElement('p');
  const code = document.createElement('code');
  code.textContent = JSON.stringify(piece.text);
  title.append('Token ', code);
  element.append(title);
  if (piece.logprob === null) {
    const note = document.createElement('p');
    note.className = 'muted';
    note.textContent = 'No log probabilities for this text: the server sent none (it may not support logprobs yet, '
        + 'or the box holds a whole chunk).';
    element.append(note);
    return;
  }
  const rows = Object.entries(piece.top ?? {});
  if (!rows.some(([token]) => token === piece.text)) {
    rows.push([piece.text, piece.logprob]);
  }
  rows.sort((a, b) => b[1] - a[1]);

  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  for (const label of ['token', 'logprob', 'p', '']) {
    const th = document.createElement('th');
    th.textContent = label;
    head.append(th);
  }
  const body = table.createTBody();
  for (const [token, logprob] of rows) {
    const row = body.insertRow();
    if (token === piece.text) {
      row.className = 'chosen';
    }
    const tokenCell = row.insertCell();
    const tokenCode = document.createElement('code');
    tokenCode.textContent = visible(token);
    tokenCode.title = JSON.stringify(token);
    tokenCell.append(tokenCode);
    const p = Math.exp(logprob);
    Object.assign(row.insertCell(), { className: 'num', textContent: logprob.toFixed(3) });
    Object.assign(row.insertCell(), { className: 'num', textContent: `${(p * 100).toFixed(p < 0.01 ? 2 : 1)}%` });
    const bar = document.createElement('div');
    bar.className = 'bar';
    bar.style.width = `${Math.max(1, Math.round(p * 80))}px`;
    row.insertCell().append(bar);
  }
  element.append(table);
}
