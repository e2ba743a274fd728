// The attention view: a model (decoder or encoder) and a prompt go to POST /v1/attention; the answer
// is drawn for one layer and one head (or the average of its heads) as lines from a chosen token to
// every token, and as a query × key map. Nothing is computed here: the page draws what the server sent.

import { describeError, getJson, isMissingEndpoint } from '../api.js';
import { el } from '../dom.js';
import { fillModelSelect, listModels } from '../models.js';
import { visible } from '../tokens.js';
import { drawHeatmap } from '../attention/heatmap.js';
import { drawLines } from '../attention/lines.js';
import { AVERAGE, caption, weightsOf } from '../attention/weights.js';

const $ = (selector) => document.querySelector(selector);

let answer = null; // the latest POST /v1/attention answer
let selected = 0; // the query token whose attention the lines show

export async function mount() {
  const form = $('#attention-form');
  if (!form.dataset.ready) {
    form.dataset.ready = 'true';
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      run(form);
    });
    $('#attention-layer').addEventListener('change', draw);
    $('#attention-head').addEventListener('change', draw);
  }
  try {
    fillModelSelect($('#attention-model'), await listModels());
  } catch (e) {
    show('error', `Could not list models: ${describeError(e)}`);
  }
}

async function run(form) {
  const button = $('#attention-run');
  button.disabled = true;
  show('notice', 'Computing attention…');
  try {
    const body = { model: form.elements.model.value, prompt: form.elements.prompt.value };
    answer = await getJson('/v1/attention', { method: 'POST', body });
    show(null);
    // A decoder's last token sees the whole prompt; an encoder's middle one has context both ways.
    selected = answer.causal ? answer.tokens.length - 1 : Math.floor(answer.tokens.length / 2);
    options($('#attention-layer'), answer.layers, (i) => `layer ${i + 1} of ${answer.layers}`, answer.layers - 1);
    options($('#attention-head'), answer.heads, (i) => `head ${i + 1} of ${answer.heads}`, null);
    $('#attention-kind').textContent = answer.causal ? `${answer.kind} · causal` : `${answer.kind} · bidirectional`;
    $('#attention-kind').className = `badge ${answer.causal ? 'causal' : 'bidirectional'}`;
    $('#attention-caption').textContent = caption(answer);
    $('#attention-result').hidden = false;
    draw();
  } catch (e) {
    answer = null;
    $('#attention-result').hidden = true;
    show(isMissingEndpoint(e) ? 'notice' : 'error', isMissingEndpoint(e)
      ? 'Attention maps are not available: this gateway does not serve POST /v1/attention yet.'
      : `Could not compute attention: ${describeError(e)}`);
  } finally {
    button.disabled = false;
  }
}

/** Fills a select with count numbered options; the head select starts with the average of heads. */
function options(select, count, label, value) {
  const items = Array.from({ length: count }, (_, i) => el('option', { value: String(i), textContent: label(i) }));
  if (select.id === 'attention-head') {
    items.unshift(el('option', { value: AVERAGE, textContent: 'average of heads' }));
  }
  select.replaceChildren(...items);
  select.value = value === null ? AVERAGE : String(value);
}

function draw() {
  if (!answer) {
    return;
  }
  const weights = weightsOf(answer, Number($('#attention-layer').value), $('#attention-head').value);
  const common = { tokens: answer.tokens, weights, causal: answer.causal, selected };
  const select = (index) => {
    selected = index;
    draw();
  };
  $('#attention-lines').replaceChildren(drawLines({ ...common, onSelect: select }));
  $('#attention-heatmap').replaceChildren(drawHeatmap({ ...common, onSelect: select, onHover: readout }));
  $('#attention-selected').textContent = `${selected + 1}: ${visible(answer.tokens[selected])}`;
  readout(null);
}

function readout(cell) {
  const element = $('#attention-readout');
  if (!cell) {
    element.textContent = 'Point at a cell to read its weight; click a row to choose its token.';
    return;
  }
  const { tokens } = answer;
  const pair = `${JSON.stringify(tokens[cell.query])} → ${JSON.stringify(tokens[cell.key])}`;
  element.textContent = cell.masked ? `${pair}: masked (a causal model cannot look ahead)`
    : `${pair}: ${cell.weight.toFixed(4)}`;
}

/** kind: 'notice' (neutral), 'error', or null to hide the message. */
function show(kind, text) {
  const element = $('#attention-message');
  element.hidden = kind === null;
  element.className = kind ?? '';
  element.textContent = text ?? '';
}
