// A run's tasks, one page at a time (a run may have 100,000): filter by stage and state, rows kept
// current from the run's task events, and each task's stdout or stderr in one click.
import * as api from './api.js';
import {h, badge, enc, duration, pager, Page} from './dom.js';

const STATES = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'SKIPPED'];
const LIMIT = 50;
const RELOAD_MS = 2000;

export function taskTable(ctx, base, run) {
  const page = new Page();
  const filter = {stage: '', state: ''};
  const body = h('tbody');
  const rows = new Map(); // task id -> its row on this page
  const paging = h('div');
  const log = h('section', {class: 'log', hidden: true});
  let reload = 0;

  const stageSelect = h('select', {name: 'stage', onchange: e => refilter('stage', e.target.value)},
    h('option', {value: ''}, 'every stage'),
    run.stages.map(s => h('option', {value: s.index}, s.name)));
  const stateSelect = h('select', {name: 'state', onchange: e => refilter('state', e.target.value)},
    h('option', {value: ''}, 'every state'), STATES.map(s => h('option', {value: s}, s)));
  const element = h('div', {class: 'tasks'},
    h('div', {class: 'filters'}, stageSelect, stateSelect),
    h('table', {},
      h('thead', {}, h('tr', {}, ['Task', 'Stage', 'State', 'Node', 'Attempts', 'Duration', 'Exit', 'Output']
        .map(t => h('th', {}, t)))),
      body),
    paging, log);

  function refilter(name, value) {
    filter[name] = value;
    page.reset();
    load().catch(ctx.fail);
  }

  async function load() {
    const answer = await api.get(`${base}/tasks?${page.query({...filter, limit: LIMIT})}`, {signal: ctx.signal});
    page.next = answer.next;
    rows.clear();
    body.replaceChildren(...answer.items.map(task => {
      const tr = row(task);
      rows.set(task.id, tr);
      return tr;
    }));
    if (answer.items.length === 0) body.append(h('tr', {}, h('td', {colspan: 8, class: 'muted'}, 'No tasks.')));
    paging.replaceChildren(pager(page, step => { page.move(step); load().catch(ctx.fail); }));
  }

  function row(task) {
    const stream = name => h('button', {type: 'button', class: 'link', 'data-log': name,
      onclick: () => showLog(task.id, name)}, name);
    return h('tr', {'data-task': task.id},
      h('td', {class: 'mono'}, task.id),
      h('td', {}, run.stages[task.stage]?.name ?? task.stage),
      h('td', {}, badge(task.state)),
      h('td', {class: 'mono'}, task.node ?? ''),
      h('td', {}, task.attempts),
      h('td', {}, duration(task.started_at, task.ended_at)),
      h('td', {}, task.exit_code ?? ''),
      h('td', {}, task.attempts > 0 ? [stream('stdout'), ' ', stream('stderr')] : ''));
  }

  async function showLog(task, stream) {
    log.hidden = false;
    const pre = h('pre', {id: 'log-text'}, 'Loading…');
    log.replaceChildren(h('h3', {}, `${task} · ${stream}`,
      h('button', {type: 'button', class: 'link close', onclick: () => { log.hidden = true; }}, 'close')), pre);
    try {
      const text = await api.text(`${base}/tasks/${enc(task)}/log?stream=${stream}`, {signal: ctx.signal});
      pre.textContent = text || `(no ${stream})`;
    } catch (e) {
      if (!(e instanceof api.Problem)) return ctx.fail(e);
      pre.textContent = e.message;
    }
    log.scrollIntoView({block: 'nearest'});
  }

  /** A task changed: its row is redrawn; new tasks may only land on the last page, reloaded then. */
  function onTask(task) {
    const shown = rows.get(task.id);
    if (shown) {
      const fresh = row(task);
      shown.replaceWith(fresh);
      rows.set(task.id, fresh);
    } else if (!page.next && !reload) {
      reload = setTimeout(() => { reload = 0; load().catch(ctx.fail); }, RELOAD_MS);
    }
  }

  function showStage(index) {
    stageSelect.value = String(index);
    refilter('stage', String(index));
  }

  ctx.signal.addEventListener('abort', () => clearTimeout(reload));
  return {element, load, onTask, showStage};
}
