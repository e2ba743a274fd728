// PLACEHOLDER — attention view. It will send POST /v1/attention (DESIGN §2) and draw the attention
// maps. Until the gateway serves that endpoint, this page only says so; it must never invent data.

import { probe } from '../api.js';

export async function mount(section) {
  section.replaceChildren(heading('Attention'), paragraph('Checking whether this gateway serves POST /v1/attention…'));
  // An empty body: a real endpoint answers 400, a missing one 404. Nothing is computed either way.
  const { state, error } = await probe('/v1/attention', { method: 'POST', body: {} });
  const message = {
    missing: 'Attention maps are not available: this gateway does not serve POST /v1/attention yet.',
    unauthorized: 'This gateway needs an API key to check for attention maps: enter it at the top right.',
    present: 'This gateway serves POST /v1/attention, but this view has not been written yet.',
  }[state];
  section.replaceChildren(heading('Attention'), paragraph(message));
  if (error && state === 'present') {
    section.append(paragraph(`Probe answer: ${error.describe()}`));
  }
}

function heading(text) {
  return Object.assign(document.createElement('h2'), { textContent: text });
}

function paragraph(text) {
  return Object.assign(document.createElement('p'), { textContent: text });
}
