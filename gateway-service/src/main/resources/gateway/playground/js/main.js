// Entry point: the API key field and the hash router between the views (#/playground, #/chat,
// #/attention, #/training, #/models). A route may carry a query (#/chat?model=x), handed to the view's mount.

import { apiKey, setApiKey } from './api.js';
import * as playground from './views/playground.js';
import * as chat from './views/chat.js';
import * as attention from './views/attention.js';
import * as training from './views/training.js';
import * as models from './views/models.js';

const views = { playground, chat, attention, training, models };
let shown = null;

function route() {
  const [path, query] = location.hash.replace(/^#\/?/, '').split('?');
  const current = views[path] ? path : 'playground';
  for (const view of Object.keys(views)) {
    document.getElementById(`view-${view}`).hidden = view !== current;
  }
  for (const link of document.querySelectorAll('nav a[data-view]')) {
    link.classList.toggle('active', link.dataset.view === current);
  }
  // A view that is left may stop its background work (the training page follows a job).
  if (shown && shown !== current) {
    views[shown].unmount?.();
  }
  shown = current;
  views[current].mount(document.getElementById(`view-${current}`), new URLSearchParams(query ?? ''));
}

const keyInput = document.getElementById('api-key');
keyInput.value = apiKey();
keyInput.addEventListener('change', () => {
  setApiKey(keyInput.value.trim());
  route();
});

window.addEventListener('hashchange', route);
route();
