// The REST API as the page uses it: every request carries the key kept for this browser tab.

const KEY = 'flowbus.api-key';

/** The API answered 401: ask for a key (again, if `rejected`). */
export class Unauthorized extends Error {
  constructor(rejected) { super('an API key is needed'); this.rejected = rejected; }
}

/** The API answered with a problem (RFC 9457); `message` is its detail. */
export class Problem extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
  }
}

export function setKey(key) { sessionStorage.setItem(KEY, key); }
export function hasKey() { return sessionStorage.getItem(KEY) != null; }

export async function request(method, path, {body, headers = {}, signal} = {}) {
  const all = {...headers};
  const key = sessionStorage.getItem(KEY);
  if (key) all['X-API-Key'] = key;
  if (body !== undefined) all['Content-Type'] = 'application/json';
  const res = await fetch(path, {
    method, headers: all, signal, body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401) {
    sessionStorage.removeItem(KEY);
    throw new Unauthorized(key != null);
  }
  if (!res.ok) {
    const problem = await res.json().catch(() => ({}));
    throw new Problem(res.status, problem);
  }
  return res;
}

export const get = (path, options) => request('GET', path, options).then(r => r.json());
export const post = (path, options) => request('POST', path, options).then(r => r.json());
export const text = (path, options) => request('GET', path, options).then(r => r.text());

/** Whether the key may operate runs (create, cancel, pause, resume, retry): GET /api/access. */
export async function canOperate() {
  const access = await get('/api/access');
  return access.role !== 'read';
}

/**
 * Reads a Server-Sent Events stream (fetch rather than EventSource, which cannot send the key),
 * calling onEvent(type, data) for each event until the stream ends or `signal` aborts.
 */
export async function events(path, onEvent, signal) {
  const res = await request('GET', path, {headers: {Accept: 'text/event-stream'}, signal});
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const {value, done} = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let type = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) type = line.slice(6).trim();
        else if (line.startsWith('data:')) data += line.slice(5).trim();
      }
      if (data) onEvent(type, JSON.parse(data));
    }
  }
}

/**
 * Opens a file or log of the API: a plain link works without a key; with one, the file is fetched
 * with the key and handed to the browser as a download.
 */
export async function download(path, name) {
  const blob = await request('GET', path).then(r => r.blob());
  const url = URL.createObjectURL(blob);
  const a = Object.assign(document.createElement('a'), {href: url, download: name});
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
