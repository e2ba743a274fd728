// The chat tab: a system prompt and turns, each reply streamed from /v1/chat/completions and shown
// token by token. Asks for logprobs (top 5) and, if the server refuses them, asks again without.

import { ApiError, describeError, isMissingEndpoint, request } from '../api.js';
import { ToolCalls, showJson, structuredFields } from '../chat-tools.js';
import { el, showMessage } from '../dom.js';
import { fillModelSelect, generates, listModels } from '../models.js';
import { sseData } from '../sse.js';
import { StreamStats } from '../stream-stats.js';
import { TokenAligner, chatChunk } from '../token-align.js';
import { renderDetails } from '../token-details.js';
import { TokenView } from '../tokens.js';

const $ = (selector) => document.querySelector(selector);

let turns = []; // {role, content} of the conversation so far, without the system prompt
let running = null; // the AbortController of the reply in progress
let logprobsRefused = false; // the server said no to logprobs once: do not ask again

export async function mount(section, params) {
  const form = $('#chat-form');
  if (!form.dataset.ready) {
    form.dataset.ready = 'true';
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      send(form);
    });
    form.elements.message.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    $('#chat-stop').addEventListener('click', () => running?.abort());
    $('#chat-new').addEventListener('click', newChat);
  }
  try {
    fillModelSelect($('#chat-model'), await listModels(), { canPick: generates, wanted: params?.get('model') });
  } catch (e) {
    showError(`Could not list models: ${describeError(e)}`);
  }
}

function newChat() {
  running?.abort();
  turns = [];
  $('#chat-log').replaceChildren();
  $('#chat-token-details').replaceChildren(el('p', { className: 'muted', textContent: 'Hover over a token of a reply.' }));
  $('#chat-stats').textContent = '';
  showError(null);
}

function requestBody(messages, withLogprobs, structured) {
  const settings = $('#chat-settings').elements;
  const system = settings.system.value.trim();
  const body = {
    ...structured,
    model: $('#chat-model').value,
    messages: system ? [{ role: 'system', content: system }, ...messages] : messages,
    max_tokens: Number(settings.max_tokens.value),
    temperature: Number(settings.temperature.value),
    stream: true,
    stream_options: { include_usage: true },
  };
  if (settings.seed.value !== '') {
    body.seed = Number(settings.seed.value);
  }
  if (withLogprobs) {
    body.logprobs = true;
    body.top_logprobs = 5;
  }
  return body;
}

async function send(form) {
  const text = form.elements.message.value.trim();
  if (!text || running) {
    return;
  }
  let structured;
  try {
    structured = structuredFields($('#chat-settings').elements);
  } catch (e) {
    showError(e.message);
    return;
  }
  form.elements.message.value = '';
  showError(null);
  const conversation = turns;
  conversation.push({ role: 'user', content: text });
  const log = $('#chat-log');
  const userBubble = bubble('user', text);
  const output = el('div', { className: 'content output' });
  const callsBox = el('div', { className: 'tool-calls' });
  const replyBubble = el('div', { className: 'msg assistant' }, el('div', { className: 'role', textContent: 'assistant' }),
    output, callsBox);
  const calls = new ToolCalls(callsBox);
  log.append(userBubble, replyBubble);

  const controller = new AbortController();
  running = controller;
  setBusy(true);
  const stats = new StreamStats();
  const view = new TokenView(output, (piece) => renderDetails($('#chat-token-details'), piece));
  const aligner = new TokenAligner((piece) => {
    stats.tokenArrived();
    view.append(piece);
    log.scrollTop = log.scrollHeight;
  });
  let reply = '';
  try {
    const response = await open(conversation, controller.signal, structured);
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
        reply += choice.delta?.content ?? '';
        aligner.push(chatChunk(choice));
        if (choice.delta?.tool_calls) {
          calls.push(choice.delta.tool_calls);
        }
        stats.finish = choice.finish_reason ?? stats.finish;
      }
      stats.usage = chunk.usage ?? stats.usage;
      $('#chat-stats').textContent = stats.describe(view.count);
    }
    aligner.finish();
    if (structured.response_format) {
      showJson(replyBubble, reply);
    }
  } catch (e) {
    if (e.name === 'AbortError') {
      stats.finish = 'stopped';
    } else {
      showError(isMissingEndpoint(e) ? 'Chat is not available: this gateway does not serve POST /v1/chat/completions yet.'
        : describeError(e));
    }
  } finally {
    running = null;
    setBusy(false);
  }
  if (conversation !== turns) {
    return; // "New chat" was pressed meanwhile
  }
  if (reply === '' && view.count === 0 && calls.count === 0) {
    // Nothing came back: take the turn out again so the user can edit and resend it.
    conversation.pop();
    userBubble.remove();
    replyBubble.remove();
    form.elements.message.value = text;
  } else {
    conversation.push({ role: 'assistant', content: reply });
  }
  $('#chat-stats').textContent = stats.describe(view.count);
}

/** Starts the stream; a 400 about logprobs means this server has none for chat, so ask without them. */
async function open(messages, signal, structured) {
  const wantLogprobs = $('#chat-settings').elements.logprobs.checked && !logprobsRefused;
  try {
    return await request('/v1/chat/completions', { method: 'POST', body: requestBody(messages, wantLogprobs, structured), signal });
  } catch (e) {
    if (!(wantLogprobs && e instanceof ApiError && e.status === 400 && /logprobs/.test(`${e.param} ${e.message}`))) {
      throw e;
    }
    logprobsRefused = true;
    $('#chat-logprobs-note').hidden = false;
    return request('/v1/chat/completions', { method: 'POST', body: requestBody(messages, false, structured), signal });
  }
}

function bubble(role, text) {
  return el('div', { className: `msg ${role}` }, el('div', { className: 'role', textContent: role }),
    el('div', { className: 'content', textContent: text }));
}

function setBusy(busy) {
  $('#chat-send').disabled = busy;
  $('#chat-stop').disabled = !busy;
}

function showError(message) {
  showMessage($('#chat-error'), message);
}
