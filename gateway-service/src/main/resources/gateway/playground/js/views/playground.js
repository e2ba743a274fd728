// The completion playground: pick a model, set sampling, stream /v1/completions and show each token.

import { ApiError, getJson, request } from '../api.js';
import { sseData } from '../sse.js';
import { TokenView, piecesOf, renderDetails } from '../tokens.js';

const $ = (selector) => document.querySelector(selector);

let running = null; // the AbortController of the generation in progress

export async function mount() {
  const form = $('#completion-form');
  if (form.dataset.ready) {
    return;
  }
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
  await loadModels();
}

/** Fills the model list; encoders are listed but cannot be picked, since they cannot generate. */
export async function loadModels() {
  const select = $('#model');
  const previous = select.value;
  try {
    const { data } = await getJson('/v1/models');
    select.replaceChildren(...data.map((model) => {
      const option = document.createElement('option');
      option.value = model.id;
      const context = model.context_length ? `, ${model.context_length} ctx` : '';
      option.textContent = `${model.id} (v${model.version}${context})`;
      option.disabled = model.kind === 'encoder';
      return option;
    }));
    const usable = data.filter((m) => m.kind !== 'encoder').map((m) => m.id);
    select.value = usable.includes(previous) ? previous : (usable[0] ?? '');
    if (data.length === 0) {
      showError('No models are served yet.');
    } else {
      showError(null);
    }
  } catch (e) {
    showError(e instanceof ApiError && e.status === 401
        ? 'This gateway needs an API key: enter it at the top right.' : `Could not list models: ${describe(e)}`);
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

  const view = new TokenView(output, (piece) => renderDetails(details, piece));
  const stats = { started: performance.now(), firstToken: null, finish: null, usage: null };
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
        for (const piece of piecesOf(choice)) {
          stats.firstToken ??= performance.now();
          view.append(piece);
        }
        stats.finish = choice.finish_reason ?? stats.finish;
      }
      stats.usage = chunk.usage ?? stats.usage;
      showStats(view, stats);
    }
  } catch (e) {
    if (e.name === 'AbortError') {
      stats.finish = 'stopped';
    } else {
      showError(describe(e));
    }
  } finally {
    showStats(view, stats);
    if (running === controller) {
      running = null;
      setBusy(false);
    }
  }
}

function showStats(view, stats) {
  const parts = [];
  const tokens = stats.usage?.completion_tokens ?? view.count;
  parts.push(`${tokens} token${tokens === 1 ? '' : 's'}`);
  if (stats.firstToken !== null) {
    const elapsed = (performance.now() - stats.firstToken) / 1000;
    parts.push(`first after ${Math.round(stats.firstToken - stats.started)} ms`);
    if (elapsed > 0.05 && tokens > 1) {
      parts.push(`${(tokens / elapsed).toFixed(1)} tok/s`);
    }
  }
  if (stats.usage) {
    parts.push(`prompt ${stats.usage.prompt_tokens}`);
  }
  if (stats.finish) {
    parts.push(`finish: ${stats.finish}`);
  }
  $('#stats').textContent = parts.join(' · ');
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

function describe(e) {
  return e instanceof ApiError ? e.describe() : e.message;
}
