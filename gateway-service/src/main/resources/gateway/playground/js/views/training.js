// PLACEHOLDER — training dashboard. It will list and start jobs through /v1/training/jobs and follow
// their progress events (DESIGN §1, §4). Until the gateway serves that endpoint, this page only says so.

import { probe } from '../api.js';

export async function mount(section) {
  section.replaceChildren(heading('Training'), paragraph('Checking whether this gateway serves /v1/training/jobs…'));
  const { state, response } = await probe('/v1/training/jobs');
  if (state === 'missing') {
    section.replaceChildren(heading('Training'),
        paragraph('Training is not available: this gateway does not serve /v1/training/jobs yet.'));
    return;
  }
  if (state === 'unauthorized') {
    section.replaceChildren(heading('Training'),
        paragraph('This gateway needs an API key to list training jobs: enter it at the top right.'));
    return;
  }
  section.replaceChildren(heading('Training'),
      paragraph('The gateway serves /v1/training/jobs; the dashboard is still to be written. Its answer, as sent:'));
  if (response) {
    const pre = document.createElement('pre');
    pre.textContent = JSON.stringify(await response.json(), null, 2);
    section.append(pre);
  }
}

function heading(text) {
  return Object.assign(document.createElement('h2'), { textContent: text });
}

function paragraph(text) {
  return Object.assign(document.createElement('p'), { textContent: text });
}
