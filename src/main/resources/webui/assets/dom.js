// Building the page from data. Values always go in as text nodes or attributes, never as markup.

/** h('a', {href: '#/runs', class: 'x', onclick: fn}, 'text', child, [more]) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child != null && child !== false) el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** A state as a coloured badge. */
export function badge(state) {
  return h('span', {class: `badge ${String(state).toLowerCase()}`}, state);
}

/** A path segment or query value for a URL we build. */
export const enc = encodeURIComponent;

export function time(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

/** How long from start to end (or to now while it goes on): "1h 02m", "3m 04s", "5.2s". */
export function duration(start, end) {
  if (!start) return '';
  const ms = (end ? new Date(end) : new Date()) - new Date(start);
  const s = Math.max(0, ms / 1000);
  if (s < 60) return `${s.toFixed(1)}s`;
  const pad = n => String(Math.floor(n)).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  return `${Math.floor(s / 3600)}h ${pad((s % 3600) / 60)}m`;
}

export function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** A "previous / next" pager over a list answered as {items, next}. */
export function pager(page, onMove) {
  return h('div', {class: 'pager'},
    h('button', {type: 'button', disabled: page.cursors.length === 0, onclick: () => onMove(-1)}, '‹ Newer'),
    h('button', {type: 'button', disabled: !page.next, onclick: () => onMove(1)}, 'Older ›'));
}

/** Cursor-paged list state: where the shown page starts and the cursors of the pages before. */
export class Page {
  constructor() { this.after = null; this.cursors = []; this.next = null; }
  move(step) {
    if (step > 0 && this.next) { this.cursors.push(this.after); this.after = this.next; }
    if (step < 0 && this.cursors.length) this.after = this.cursors.pop();
  }
  reset() { this.after = null; this.cursors = []; this.next = null; }
  query(params) {
    const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v != null && v !== ''));
    if (this.after) q.set('after', this.after);
    return q.toString();
  }
}
