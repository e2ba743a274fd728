// The classic picture: the prompt's tokens twice, queries on top and keys below; the chosen query
// has a line to every key it attends to, its width and opacity growing with the weight.

import { svg } from '../dom.js';
import { visible } from '../tokens.js';
import { visibleTo } from './weights.js';

const FONT = '12px ui-monospace, Menlo, Consolas, monospace';
const BOX_HEIGHT = 22;
const GAP = 4;
const PAD = 8;
const ROW_GAP = 150; // vertical room for the lines
const MIN_WEIGHT = 0.002; // fainter lines would only blur the picture

let measure = null;

function textWidth(text) {
  measure ??= document.createElement('canvas').getContext('2d');
  measure.font = FONT;
  return measure.measureText(text).width;
}

/** Each token's box: x, width, label. */
function layout(tokens) {
  let x = PAD;
  return tokens.map((token) => {
    const label = visible(token);
    const width = Math.max(22, Math.ceil(textWidth(label)) + 10);
    const box = { x, width, label };
    x += width + GAP;
    return box;
  });
}

/**
 * @param weights  query × key matrix of the chosen layer and head(s)
 * @param selected the chosen query's index
 * @param onSelect called with a query index when a top token is clicked
 */
export function drawLines({ tokens, weights, causal, selected, onSelect }) {
  const boxes = layout(tokens);
  const width = boxes.at(-1).x + boxes.at(-1).width + PAD;
  const top = 20;
  const bottom = top + BOX_HEIGHT + ROW_GAP;
  const row = weights[selected];
  const strongest = Math.max(...row.filter((_, k) => visibleTo(causal, selected, k)), 1e-9);

  const height = bottom + BOX_HEIGHT + 22;
  const picture = svg('svg', { class: 'attention-lines', width, height, viewBox: `0 0 ${width} ${height}`,
    role: 'img', 'aria-label': `attention of token ${selected + 1} to every token` });
  picture.append(svg('text', { x: PAD, y: 12, class: 'row-label' }, 'query (click one)'),
    svg('text', { x: PAD, y: height - 4, class: 'row-label' }, 'attends to (key)'));

  const lines = svg('g', { class: 'links' });
  boxes.forEach((box, k) => {
    const weight = row[k];
    if (!visibleTo(causal, selected, k) || !(weight >= MIN_WEIGHT)) {
      return;
    }
    const from = boxes[selected];
    lines.append(svg('line', {
      x1: from.x + from.width / 2, y1: top + BOX_HEIGHT, x2: box.x + box.width / 2, y2: bottom,
      'stroke-width': (0.5 + 7 * weight).toFixed(2), 'stroke-opacity': Math.min(1, 0.15 + weight / strongest * 0.85).toFixed(3),
      'data-key': k, 'data-weight': weight.toFixed(4),
    }, svg('title', {}, `${JSON.stringify(tokens[selected])} → ${JSON.stringify(tokens[k])}: ${weight.toFixed(3)}`)));
  });
  picture.append(lines);

  boxes.forEach((box, q) => {
    const query = svg('g', { class: `token query${q === selected ? ' selected' : ''}`, 'data-index': q },
      svg('rect', { x: box.x, y: top, width: box.width, height: BOX_HEIGHT, rx: 4 }),
      svg('text', { x: box.x + box.width / 2, y: top + BOX_HEIGHT / 2 }, box.label),
      svg('title', {}, `query ${q + 1}: ${JSON.stringify(tokens[q])} (click to see what it attends to)`));
    query.addEventListener('click', () => onSelect(q));
    picture.append(query);
  });
  boxes.forEach((box, k) => {
    const masked = !visibleTo(causal, selected, k);
    const strength = masked ? 0 : row[k] / strongest;
    const look = masked ? ' masked' : strength > 0.6 ? ' strong' : '';
    picture.append(svg('g', { class: `token key${look}` },
      svg('rect', { x: box.x, y: bottom, width: box.width, height: BOX_HEIGHT, rx: 4 }),
      svg('rect', { x: box.x, y: bottom, width: box.width, height: BOX_HEIGHT, rx: 4, class: 'heat',
        'fill-opacity': strength.toFixed(3) }),
      svg('text', { x: box.x + box.width / 2, y: bottom + BOX_HEIGHT / 2 }, box.label),
      svg('title', {}, masked ? `${JSON.stringify(tokens[k])}: masked (to the right of the query)`
        : `${JSON.stringify(tokens[k])}: ${row[k].toFixed(3)}`)));
  });
  return picture;
}
