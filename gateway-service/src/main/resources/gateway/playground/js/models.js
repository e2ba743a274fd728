// The model list (/v1/models) and the pickers that show it.

import { getJson } from './api.js';
import { el } from './dom.js';

export async function listModels() {
  return (await getJson('/v1/models')).data;
}

export const generates = (model) => model.kind !== 'encoder';

/** Only a ready model answers requests (one being converted gets a 503, a failed one a 400). */
export const ready = (model) => (model.state ?? 'ready') === 'ready';

export function stateLabel(model) {
  if (model.state === 'converting') {
    return `converting ${Math.round((model.progress ?? 0) * 100)}%`;
  }
  return model.state ?? 'ready';
}

/**
 * Fills a <select> with models; those canPick refuses are listed but disabled. Keeps, in order:
 * the wanted model, the current choice, then the first pickable one. A wanted model that the list
 * lacks still gets an option: a model a job has just published may reach this page before the list.
 */
export function fillModelSelect(select, models, { canPick = () => true, wanted = null, preferred = null } = {}) {
  const previous = select.value;
  const options = models.map((model) => {
    const context = model.context_length ? `, ${model.context_length} ctx` : '';
    const kind = model.kind && model.kind !== 'decoder' ? `, ${model.kind}` : '';
    const state = ready(model) ? '' : `, ${stateLabel(model)}`;
    return el('option', { value: model.id, textContent: `${model.id} (v${model.version}${context}${kind}${state})`,
      disabled: !canPick(model) || !ready(model) });
  });
  const pickable = models.filter((m) => canPick(m) && ready(m)).map((m) => m.id);
  if (wanted && !models.some((m) => m.id === wanted)) {
    options.push(el('option', { value: wanted, textContent: `${wanted} (new)` }));
    pickable.push(wanted);
  }
  select.replaceChildren(...options);
  select.value = [wanted, previous, preferred].find((id) => id && pickable.includes(id)) ?? pickable[0] ?? '';
}
