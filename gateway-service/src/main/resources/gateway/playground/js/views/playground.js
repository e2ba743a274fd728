// The completion playground: pick a model, set sampling, stream /v1/completions and show each token.

import { ApiError, describeError, request } from '../api.js';
import { fillModelSelect, generates, listModels } from '../models.js';
import { sseData } from '../sse.js';
import { StreamStats } from '../stream-stats.js';
import { TokenAligner, completionChunk } from '../token-align.js';
import { renderDetails } from '../token-details.js';
import { TokenView } from '../tokens.js';

const $ = (selector) => document.querySelector(selector);

let running = null; // the AbortController of the generation in progress

/** @param params the route's query: ?model= picks that model (the training page links here) */
export async function mount(section, params) {
  const form = $('#completion-form');
  if (!form.dataset.ready) {
    form.dataset.ready = 'true';
    for (const output of form.querySelectorAll('output[data-for]')) {
      const input = form.elements[output.dataset.for];
      const show = () => { output.textContent = input.value; };
      input.addEventListener('input', show);
      show();
    }
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      generate(form);
    });
    $('#stop').addEventListener('click', () => running?.abort());
  }
  // Every visit: a job may have published a model since the last one.
  await loadModels(params?.get('model'));
}

/** Fills the model list; encoders are listed but cannot be picked, since they cannot generate. */
export async function loadModels(wanted = null) {
  try {
    const models = await listModels();
    fillModelSelect($('#model'), models, { canPick: generates, wanted });
    showError(models.length === 0 ? 'No models are served yet.' : null);
  } catch (e) {
    showError(e instanceof ApiError && e.status === 401 ? describeError(e) : `Could not list models: ${describeError(e)}`);
  }
}

function requestBody(form) {
  const f = form.elements;
  const body = {
    model: f.model.value,
    prompt: f.prompt.value,
    max_tokens: Number(f.max_tokens.value),
    temperature: Number(f.temperature.value),
    top_p: Number(f.top_p.value),
    stream: true,
    stream_options: { include_usage: true },
  };
  if (Number(f.top_k.value) > 0) {
    body.top_k = Number(f.top_k.value);
  }
  if (f.seed.value !== '') {
    body.seed = Number(f.seed.value);
  }
  const stop = f.stop.value.split('\n').filter((s) => s !== '')
      .map((s) => s.replace(/\\n/g, '\n').replace(/\\t/g, '\t'));
  if (stop.length > 0) {
    body.stop = stop;
  }
  if (f.logprobs.checked) {
    body.logprobs = 5;
  }
  return body;
}

async function generate(form) {
  running?.abort();
  const controller = new AbortController();
  running = controller;
  const output = $('#output');
  const details = $('#token-details');
  const echo = document.createElement('span');
  echo.className = 'prompt-echo';
  echo.textContent = form.elements.prompt.value;
  output.replaceChildren(echo);
  details.replaceChildren();
  showError(null);
  setBusy(true);

  const stats = new StreamStats();
  const view = new TokenView(output, (piece) => renderDetails(details, piece));
  const aligner = new TokenAligner((piece) => {
    stats.tokenArrived();
    view.append(piece);
  });
  showStats(view, stats);
  try {
    const response = await request('/v1/completions', { method: 'POST', body: requestBody(form), signal: controller.signal });
    for await (const data of sseData(response.body)) {
      if (data === '[DONE]') {
        break;
      }
      const chunk = JSON.parse(data);
      if (chunk.error) {
        showError(chunk.error.message);
        continue;
      }
      const choice = chunk.choices?.[0];
      if (choice) {
        aligner.push(completionChunk(choice));
        stats.finish = choice.finish_reason ?? stats.finish;
      }
      stats.usage = chunk.usage ?? stats.usage;
      showStats(view, stats);
    }
  } catch (e) {
    if (e.name === 'AbortError') {
      stats.finish = 'stopped';
    } else {
      showError(describeError(e));
    }
  } finally {
    // A generation replaced by a newer one leaves the output alone: it belongs to the newer one now.
    if (running === controller) {
      if (!controller.signal.aborted) {
        aligner.finish();
      }
      showStats(view, stats);
      running = null;
      setBusy(false);
    }
  }
}

function showStats(view, stats) {
  $('#stats').textContent = stats.describe(view.count);
}

function setBusy(busy) {
  $('#generate').disabled = busy;
  $('#stop').disabled = !busy;
}

function showError(message) {
  const element = $('#error');
  element.textContent = message ?? '';
  element.hidden = !message;
}
