// The whole head at once: one row per query, one column per key, darker for more weight.
// Cells a causal model cannot see (keys right of the query) are hatched, not just empty.

import { svg } from '../dom.js';
import { visible } from '../tokens.js';
import { visibleTo } from './weights.js';

const LABEL_CHARS = 10;
const CHAR_WIDTH = 7.2;

function label(token) {
  const text = visible(token);
  return text.length > LABEL_CHARS ? `${text.slice(0, LABEL_CHARS - 1)}…` : text;
}

/**
 * @param onSelect called with a query index when a cell (or row label) is clicked
 * @param onHover  called with {query, key, weight} under the pointer, or null when it leaves
 */
export function drawHeatmap({ tokens, weights, causal, selected, onSelect, onHover }) {
  const n = tokens.length;
  const cell = Math.max(6, Math.min(26, Math.floor(440 / n)));
  const margin = Math.ceil(Math.min(LABEL_CHARS, Math.max(...tokens.map((t) => visible(t).length))) * CHAR_WIDTH) + 12;
  const showLabels = cell >= 10; // smaller cells get no room for text; the pointer readout still names them
  const left = showLabels ? margin : 4;
  const top = showLabels ? margin : 4;
  const size = n * cell;

  const picture = svg('svg', { class: 'attention-heatmap', width: left + size + 4, height: top + size + 4,
    viewBox: `0 0 ${left + size + 4} ${top + size + 4}`, role: 'img', 'aria-label': 'attention map, query × key' },
  svg('defs', {}, svg('pattern', { id: 'masked-hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse',
    patternTransform: 'rotate(45)' }, svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, class: 'hatch' }))));

  const cells = svg('g', { class: 'cells' });
  for (let q = 0; q < n; q++) {
    for (let k = 0; k < n; k++) {
      const masked = !visibleTo(causal, q, k);
      cells.append(svg('rect', { x: left + k * cell, y: top + q * cell, width: cell, height: cell,
        class: masked ? 'cell masked' : 'cell', 'data-q': q, 'data-k': k,
        'fill-opacity': masked ? null : Math.sqrt(weights[q][k]).toFixed(3) }));
    }
  }
  cells.addEventListener('click', (e) => {
    if (e.target.dataset.q !== undefined) {
      onSelect(Number(e.target.dataset.q));
    }
  });
  cells.addEventListener('mousemove', (e) => {
    const { q, k } = e.target.dataset;
    if (q !== undefined) {
      onHover({ query: Number(q), key: Number(k), weight: weights[q][k], masked: !visibleTo(causal, Number(q), Number(k)) });
    }
  });
  cells.addEventListener('mouseleave', () => onHover(null));
  picture.append(cells);
  picture.append(svg('rect', { class: 'row-highlight', x: left - 1, y: top + selected * cell - 1, width: size + 2,
    height: cell + 2 }));

  if (showLabels) {
    tokens.forEach((token, i) => {
      const rowLabel = svg('text', { x: left - 6, y: top + i * cell + cell / 2, class: `row-label${i === selected ? ' selected' : ''}`,
        'text-anchor': 'end' }, label(token));
      rowLabel.addEventListener('click', () => onSelect(i));
      const x = left + i * cell + cell / 2;
      picture.append(rowLabel, svg('text', { x, y: top - 6, class: 'col-label', transform: `rotate(-90 ${x} ${top - 6})` },
        label(token)));
    });
  }
  return picture;
}
