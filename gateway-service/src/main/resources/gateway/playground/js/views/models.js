// The models view (#/models): every model the registry announces, with its state. A checkpoint being
// converted shows a progress bar; a failed one its reason; a newer version being prepared beside the
// one that serves shows as pending. Refreshed every 2 s while on show.

import { describeError } from '../api.js';
import { el } from '../dom.js';
import { listModels, stateLabel } from '../models.js';

const REFRESH_MS = 2000;
let timer = null;

export async function mount() {
  await refresh();
  clearInterval(timer);
  timer = setInterval(refresh, REFRESH_MS);
}

export function unmount() {
  clearInterval(timer);
  timer = null;
}

async function refresh() {
  const error = document.getElementById('models-error');
  try {
    const models = await listModels();
    document.querySelector('#models tbody').replaceChildren(...models.map(row));
    error.hidden = true;
  } catch (e) {
    error.textContent = `Could not list models: ${describeError(e)}`;
    error.hidden = false;
  }
}

function row(model) {
  return el('tr', { dataset: { model: model.id, state: model.state ?? 'ready' } }, [
    el('td', { textContent: model.id }),
    el('td', { textContent: `v${model.version}` }),
    el('td', {}, [state(model)]),
    el('td', { textContent: model.architecture ?? model.kind ?? '' }),
    el('td', { textContent: [model.source_format, model.weight_format].filter(Boolean).join(' → ') }),
    el('td', { textContent: model.chat_template ? 'yes' : 'no' }),
    el('td', { className: 'num', textContent: model.parameter_count ? model.parameter_count.toLocaleString() : '' }),
    el('td', { className: 'num', textContent: model.context_length ?? '' }),
  ]);
}

/** The state badge, a progress bar while converting, the reason when failed, and a pending version. */
function state(model) {
  const parts = [el('span', { className: `status ${model.state ?? 'ready'}`, textContent: stateLabel(model) })];
  if (model.state === 'converting') {
    parts.push(progressBar(model.progress));
  }
  if (model.error) {
    parts.push(el('div', { className: 'model-error', textContent: model.error }));
  }
  const pending = model.pending;
  if (pending) {
    parts.push(el('div', { className: 'muted', textContent: `v${pending.version} ${pending.state}` }));
    if (pending.state === 'converting') {
      parts.push(progressBar(pending.progress));
    }
    if (pending.error) {
      parts.push(el('div', { className: 'model-error', textContent: pending.error }));
    }
  }
  return el('div', { className: 'model-state' }, parts);
}

function progressBar(fraction) {
  const value = Math.round((fraction ?? 0) * 100);
  return el('progress', { className: 'conversion', max: 100, value, title: `${value}%`, textContent: `${value}%` });
}
