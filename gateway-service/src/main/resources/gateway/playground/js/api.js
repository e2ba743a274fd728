// Talks to the gateway's OpenAI-style API: the optional API key, and OpenAI error bodies as exceptions.

const KEY_STORAGE = 'llm-platform.api-key';

/** The key lives in sessionStorage: this tab only, gone when it closes. */
export function apiKey() {
  return sessionStorage.getItem(KEY_STORAGE) ?? '';
}

export function setApiKey(key) {
  if (key) {
    sessionStorage.setItem(KEY_STORAGE, key);
  } else {
    sessionStorage.removeItem(KEY_STORAGE);
  }
}

/** An HTTP error answered with {"error":{"message","type","param","code"}}. */
export class ApiError extends Error {
  constructor(status, error, retryAfter) {
    super(error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.type = error?.type ?? null;
    this.param = error?.param ?? null;
    this.code = error?.code ?? null;
    this.retryAfter = retryAfter;
  }

  /** A line for the page: the message, plus when to retry. */
  describe() {
    const retry = this.retryAfter ? ` (retry after ${this.retryAfter}s)` : '';
    return `${this.status}: ${this.message}${retry}`;
  }
}

/** fetch with the key and JSON headers; resolves to the Response when it is 2xx, else throws ApiError. */
export async function request(path, { method = 'GET', body, signal } = {}) {
  const headers = { Accept: 'application/json, text/event-stream' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const key = apiKey();
  if (key) {
    headers.Authorization = `Bearer ${key}`;
  }
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  if (!response.ok) {
    let error = null;
    try {
      error = (await response.json()).error;
    } catch {
      // not an OpenAI error body (a proxy's page, say): the status says enough
    }
    throw new ApiError(response.status, error, response.headers.get('Retry-After'));
  }
  return response;
}

export async function getJson(path, options) {
  return (await request(path, options)).json();
}

/** A 404 about the path itself, not about a model or a job it names: the gateway lacks the endpoint. */
export function isMissingEndpoint(e) {
  return e instanceof ApiError && e.status === 404 && !['model_not_found', 'job_not_found'].includes(e.code);
}

/** A line for the page from any failure. */
export function describeError(e) {
  if (e instanceof ApiError) {
    return e.status === 401 ? 'This gateway needs an API key: enter it at the top right.' : e.describe();
  }
  return e?.message ?? String(e);
}
