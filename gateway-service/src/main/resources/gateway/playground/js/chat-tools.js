// The chat tab's tools and JSON output: what the settings add to a request (tools, tool_choice,
// response_format), the calls a streamed reply makes (delta.tool_calls, joined by index), and a
// JSON reply pretty-printed under its token boxes.

import { el } from './dom.js';

/** The request fields the settings ask for; throws an Error naming the box whose JSON does not parse. */
export function structuredFields(settings) {
  const fields = {};
  const tools = parsed(settings.tools.value, 'Tools');
  if (tools !== undefined) {
    if (!Array.isArray(tools)) {
      throw new Error('Tools must be a JSON list of {"type":"function","function":{…}}');
    }
    fields.tools = tools;
    fields.tool_choice = settings.tool_choice.value;
  }
  const schema = parsed(settings.json_schema.value, 'JSON schema');
  if (schema !== undefined) {
    fields.response_format = { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } };
  }
  return fields;
}

function parsed(text, box) {
  if (text.trim() === '') {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${box}: not valid JSON (${e.message})`);
  }
}

/** The calls of one streamed reply: the first piece of each carries id and name, later ones argument text. */
export class ToolCalls {
  constructor(container) {
    this.container = container;
    this.calls = [];
  }

  get count() {
    return this.calls.length;
  }

  push(pieces) {
    for (const piece of pieces ?? []) {
      const call = (this.calls[piece.index] ??= { id: null, name: '', arguments: '' });
      call.id = piece.id ?? call.id;
      call.name += piece.function?.name ?? '';
      call.arguments += piece.function?.arguments ?? '';
    }
    this.render();
  }

  render() {
    this.container.replaceChildren(...this.calls.map((call) => el('div', { className: 'tool-call', dataset: { name: call.name } },
      el('div', { className: 'tool-name' }, el('span', { className: 'badge', textContent: 'tool call' }), ` ${call.name}`),
      el('pre', { className: 'tool-arguments', textContent: pretty(call.arguments) ?? call.arguments }))));
  }
}

/** JSON text indented, or null when it is not (yet) JSON. */
export function pretty(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return null;
  }
}

/** Shows a JSON reply indented below its token boxes (which keep their probabilities). */
export function showJson(bubble, reply) {
  const text = pretty(reply);
  if (text !== null) {
    bubble.append(el('pre', { className: 'json-pretty', textContent: text }));
  }
}
