// Entry point: the API key field and the hash router between the views (#/playground, #/attention, #/training).

import { apiKey, setApiKey } from './api.js';
import * as playground from './views/playground.js';
import * as attention from './views/attention.js';
import * as training from './views/training.js';

const views = { playground, attention, training };

function route() {
  const name = location.hash.replace(/^#\//, '') || 'playground';
  const current = views[name] ? name : 'playground';
  for (const view of Object.keys(views)) {
    document.getElementById(`view-${view}`).hidden = view !== current;
  }
  for (const link of document.querySelectorAll('nav a[data-view]')) {
    link.classList.toggle('active', link.dataset.view === current);
  }
  views[current].mount(document.getElementById(`view-${current}`));
}

const keyInput = document.getElementById('api-key');
keyInput.value = apiKey();
keyInput.addEventListener('change', () => {
  setApiKey(keyInput.value.trim());
  route();
  playground.loadModels();
});

window.addEventListener('hashchange', route);
route();
