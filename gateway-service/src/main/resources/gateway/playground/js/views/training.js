// The training page: submit a job, list jobs, follow one job's progress events live (loss curve,
// status), cancel it, and once it has succeeded open its model in the chat or completion tab.
// Events come through fetch + sse.js rather than EventSource, so the API key header goes along.

import { describeError, getJson, isMissingEndpoint, request } from '../api.js';
import { showMessage } from '../dom.js';
import { sseData } from '../sse.js';
import { LossChart } from '../training/chart.js';
import { jobRequest } from '../training/form.js';
import { formatLoss, isTerminal, renderJobs } from '../training/jobs.js';

const $ = (selector) => document.querySelector(selector);
const LIST_REFRESH_MS = 5000;

let chart = null;
let followed = null; // {id, model, controller} of the job on show
let listTimer = null;

export async function mount() {
  const form = $('#training-form');
  if (!form.dataset.ready) {
    form.dataset.ready = 'true';
    chart = new LossChart($('#loss-chart'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      submit(form);
    });
    $('#jobs-refresh').addEventListener('click', refreshJobs);
    $('#job-cancel').addEventListener('click', cancel);
    $('#job-chat').addEventListener('click', () => open('chat'));
    $('#job-complete').addEventListener('click', () => open('playground'));
  }
  const jobs = await refreshJobs();
  // Back on the page: pick the job up again (its events replay from the start), else the newest one.
  const id = followed?.id ?? jobs?.[0]?.id;
  if (id) {
    follow(id);
  }
  clearInterval(listTimer);
  listTimer = setInterval(refreshJobs, LIST_REFRESH_MS);
}

/** Leaving the page: stop the stream and the list refresh; the job itself runs on. */
export function unmount() {
  clearInterval(listTimer);
  listTimer = null;
  followed?.controller.abort();
}

async function refreshJobs() {
  try {
    const { data } = await getJson('/v1/training/jobs');
    renderJobs($('#jobs tbody'), data, followed?.id, follow);
    showMessage($('#training-error'), null);
    return data;
  } catch (e) {
    showMessage($('#training-error'), isMissingEndpoint(e)
      ? 'Training is not available: this gateway does not serve /v1/training/jobs.' : describeError(e));
    clearInterval(listTimer);
    return null;
  }
}

async function submit(form) {
  const button = $('#training-submit');
  button.disabled = true;
  showMessage($('#training-form-error'), null);
  try {
    const response = await request('/v1/training/jobs', { method: 'POST', body: jobRequest(form) });
    const job = await response.json();
    follow(job.id);
    await refreshJobs();
  } catch (e) {
    const where = e.param ? `${e.param}: ` : '';
    showMessage($('#training-form-error'), `${where}${describeError(e)}`);
  } finally {
    button.disabled = false;
  }
}

async function follow(id) {
  followed?.controller.abort();
  const controller = new AbortController();
  const job = { id, model: null, controller };
  followed = job;
  chart.reset(0);
  for (const button of ['#job-cancel', '#job-chat', '#job-complete']) {
    $(button).hidden = true;
  }
  $('#job-title').textContent = 'Job';
  $('#job-id').textContent = id;
  document.querySelectorAll('#jobs tbody tr').forEach((row) => row.classList.toggle('followed', row.dataset.id === id));
  let last = null;
  try {
    const snapshot = await getJson(`/v1/training/jobs/${encodeURIComponent(id)}`, { signal: controller.signal });
    job.model = snapshot.model;
    $('#job-title').textContent = snapshot.model ?? 'Job';
    show(snapshot);
    const response = await request(`/v1/training/jobs/${encodeURIComponent(id)}/events`, { signal: controller.signal });
    for await (const data of sseData(response.body)) {
      if (data === '[DONE]') {
        break;
      }
      const event = JSON.parse(data);
      chart.add(event);
      show(event);
      if (event.status !== last?.status) {
        refreshJobs(); // the list shows statuses: keep it in step with the job on show
      }
      last = event;
    }
    if (!(last && isTerminal(last.status)) && followed === job) {
      $('#job-message').textContent = 'The event stream ended before the job did; click the job to follow it again.';
    }
  } catch (e) {
    if (e.name !== 'AbortError') {
      showMessage($('#training-error'), describeError(e));
    }
  }
}

/** Status, figures and buttons from a job body or a progress event (the same field names). */
function show(state) {
  const status = $('#job-status');
  status.textContent = state.status;
  status.className = `status ${state.status}`;
  const parts = [];
  if (state.total_steps) {
    parts.push(`step ${state.step ?? 0} / ${state.total_steps}`);
  }
  parts.push(`loss ${formatLoss(state.loss)}`, `eval loss ${formatLoss(state.eval_loss)}`);
  if (state.tokens_per_second) {
    parts.push(`${Math.round(state.tokens_per_second).toLocaleString()} tokens/s`);
  }
  if (state.model_version) {
    parts.push(`published as version ${state.model_version}`);
  }
  $('#job-summary').textContent = parts.join(' · ');
  $('#job-message').textContent = state.message ?? '';
  $('#job-cancel').hidden = isTerminal(state.status);
  $('#job-chat').hidden = state.status !== 'succeeded';
  $('#job-complete').hidden = state.status !== 'succeeded';
}

async function cancel() {
  if (!followed) {
    return;
  }
  $('#job-cancel').disabled = true;
  try {
    await request(`/v1/training/jobs/${encodeURIComponent(followed.id)}`, { method: 'DELETE' });
    $('#job-message').textContent = 'Cancel sent; the training-service stops at its next step.';
  } catch (e) {
    showMessage($('#training-error'), describeError(e));
  } finally {
    $('#job-cancel').disabled = false;
  }
}

/** Opens the chat or completion tab with the job's model chosen. */
function open(view) {
  if (followed?.model) {
    location.hash = `#/${view}?model=${encodeURIComponent(followed.model)}`;
  }
}
