// A box's probabilities, like a next-token table: the chosen token and the top alternatives the
// model weighed at that position, most likely first.

import { el } from './dom.js';
import { visible } from './tokens.js';

const percent = (p) => `${(p * 100).toFixed(p < 0.01 ? 2 : 1)}%`;

export function renderDetails(element, piece) {
  const what = piece.tokens?.length > 1 ? 'Text ' : 'Token ';
  element.replaceChildren(el('p', {}, what, el('code', { textContent: JSON.stringify(piece.text) })));
  if (piece.extra) {
    element.append(el('p', { className: 'muted',
      textContent: 'Generated but not part of the text: an end token, or a token cut off by a stop sequence.' }));
  }
  if (piece.tokens && piece.tokens.length > 1) {
    const joint = piece.logprob === null ? '' : ` (together ${percent(Math.exp(piece.logprob))})`;
    element.append(el('p', { className: 'muted', textContent: `${piece.tokens.length} tokens, each holding part of a`
        + ` character (shown as �), make this text${joint}:` }));
    piece.tokens.forEach((token, i) => element.append(el('h3', { textContent: `token ${i + 1}` }), table(token)));
    return;
  }
  const token = piece.tokens?.[0] ?? piece;
  if (token.logprob === null) {
    element.append(el('p', { className: 'muted', textContent: 'No log probabilities for this text: the server sent'
        + ' none (turn on logprobs, or the server does not support them here), so the box holds a whole chunk.' }));
    return;
  }
  element.append(table(token));
}

/** One position: the chosen token, marked, among its alternatives. */
function table(token) {
  const rows = Object.entries(token.top ?? {});
  if (!rows.some(([text]) => text === token.text)) {
    rows.push([token.text, token.logprob]);
  }
  rows.sort((a, b) => b[1] - a[1]);
  const body = rows.map(([text, logprob]) => {
    const p = Math.exp(logprob);
    return el('tr', { className: text === token.text ? 'chosen' : '' },
      el('td', {}, el('code', { textContent: visible(text), title: JSON.stringify(text) })),
      el('td', { className: 'num', textContent: logprob.toFixed(3) }),
      el('td', { className: 'num', textContent: percent(p) }),
      el('td', {}, el('div', { className: 'bar', style: `width: ${Math.max(1, Math.round(p * 80))}px` })));
  });
  return el('table', { className: 'prob-table' },
    el('thead', {}, el('tr', {}, ...['token', 'logprob', 'p', ''].map((label) => el('th', { textContent: label })))),
    el('tbody', {}, ...body));
}
