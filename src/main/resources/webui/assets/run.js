// One run: its state, inputs and buttons, its stages as bars with live counts (from the run's
// event stream), its tasks (tasks.js) and its files.
import * as api from './api.js';
import {h, badge, enc, time, duration, bytes} from './dom.js';
import {taskTable} from './tasks.js';

const ENDED = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'DAMAGED'];
/** The buttons and the states in which the API takes them. */
const ACTIONS = {
  pause: ['RUNNING'],
  resume: ['PAUSED'],
  cancel: ['CREATED', 'RUNNING', 'PAUSED'],
  retry: ['FAILED', 'CANCELLED'],
};

export async function runPage(ctx, id) {
  const base = `/api/runs/${enc(id)}`;
  let run = await api.get(base, {signal: ctx.signal});
  const head = h('section', {class: 'run-head'});
  const stages = h('section', {class: 'stages'});
  const files = h('section', {class: 'files'});
  const tasks = taskTable(ctx, base, run);
  const message = h('p', {class: 'error', hidden: true});
  ctx.main.replaceChildren(head, message, h('h2', {}, 'Stages'), stages,
    h('h2', {}, 'Tasks'), tasks.element, h('h2', {}, 'Files'), files);

  const dirty = new Map(); // stage index -> latest stage, drawn on the next frame
  let frame = 0;
  function draw() {
    frame = 0;
    renderHead(head, run, ctx.canOperate ? act : null);
    for (const stage of dirty.values()) {
      const shown = stages.querySelector(`[data-stage="${stage.index}"]`);
      const fresh = stageBar(stage, () => tasks.showStage(stage.index));
      shown ? shown.replaceWith(fresh) : stages.append(fresh);
    }
    dirty.clear();
  }
  function update(newRun) {
    run = newRun;
    run.stages.forEach(s => dirty.set(s.index, s));
    frame ||= requestAnimationFrame(draw);
  }
  function onEvent(type, data) {
    if (type === 'run') {
      const ended = ENDED.includes(data.state) && !ENDED.includes(run.state);
      update(data);
      if (ended) loadFiles(files, base, ctx).catch(ctx.fail);
    } else if (type === 'stage') {
      run.stages[data.index] = data;
      dirty.set(data.index, data);
      frame ||= requestAnimationFrame(draw);
    } else if (type === 'task') {
      tasks.onTask(data);
    }
  }
  let following = false;
  async function follow() {
    if (following) return;
    following = true;
    try {
      while (!ctx.signal.aborted) {
        await api.events(`${base}/events`, onEvent, ctx.signal);
        if (ENDED.includes(run.state)) break;
        await new Promise(resolve => setTimeout(resolve, 2000)); // the stream dropped: again
      }
    } catch (e) {
      ctx.fail(e);
    } finally {
      following = false;
    }
  }
  async function act(action) {
    message.hidden = true;
    try {
      update(await api.post(`${base}/${action}`));
      follow();
    } catch (e) {
      if (!(e instanceof api.Problem)) return ctx.fail(e);
      message.textContent = e.message;
      message.hidden = false;
    }
  }

  update(run);
  draw();
  const ticker = setInterval(() => { if (!ENDED.includes(run.state)) renderDuration(head, run); }, 1000);
  ctx.signal.addEventListener('abort', () => { clearInterval(ticker); cancelAnimationFrame(frame); });
  follow();
  await Promise.all([tasks.load(), loadFiles(files, base, ctx)]);
}

function renderHead(head, run, act) {
  const inputs = Object.entries(run.inputs || {});
  head.replaceChildren(
    h('h1', {}, 'Run ', h('span', {class: 'mono'}, run.id), ' ', badge(run.state)),
    h('dl', {class: 'facts'},
      h('dt', {}, 'Job'), h('dd', {}, h('a', {href: `#/runs?job=${enc(run.job)}`}, run.job)),
      h('dt', {}, 'Created'), h('dd', {}, time(run.created_at)),
      h('dt', {}, 'Duration'), h('dd', {class: 'duration'}, duration(run.started_at, run.ended_at)),
      run.retried ? [h('dt', {}, 'Retried'), h('dd', {}, run.retried)] : null,
      run.error ? [h('dt', {}, 'Error'), h('dd', {class: 'error'}, run.error)] : null,
      inputs.length ? [h('dt', {}, 'Inputs'), h('dd', {}, h('ul', {class: 'inputs'},
        inputs.map(([k, v]) => h('li', {}, h('span', {class: 'mono'}, k), ' = ', h('span', {class: 'mono value'}, v)))))] : null),
    act ? h('div', {class: 'actions'}, Object.entries(ACTIONS)
      .filter(([, states]) => states.includes(run.state))
      .map(([action]) => h('button', {type: 'button', 'data-action': action, onclick: () => act(action)}, action))) : null);
}

function renderDuration(head, run) {
  const dd = head.querySelector('.duration');
  if (dd) dd.textContent = duration(run.started_at, run.ended_at);
}

/** A stage as a bar: succeeded, failed, cancelled or skipped, running, and pending last. */
function stageBar(stage, onSelect) {
  const t = stage.tasks;
  const done = t.succeeded + t.failed + t.cancelled + t.skipped;
  const part = (n, cls) => {
    if (n <= 0) return null;
    const el = h('span', {class: `part ${cls}`});
    el.style.width = `${100 * n / t.total}%`; // through the CSSOM: the page allows no inline styles
    return el;
  };
  const counts = [`${done}/${t.total} done`];
  if (t.running) counts.push(`${t.running} running`);
  if (t.failed) counts.push(`${t.failed} failed`);
  if (t.skipped) counts.push(`${t.skipped} skipped`);
  if (t.cancelled) counts.push(`${t.cancelled} cancelled`);
  return h('div', {class: 'stage', 'data-stage': stage.index, 'data-state': stage.state},
    h('div', {class: 'stage-title'},
      h('button', {type: 'button', class: 'link', title: 'show its tasks', onclick: onSelect}, stage.name),
      ' ', badge(stage.state),
      stage.depends_on?.length ? h('span', {class: 'muted'}, ` after ${stage.depends_on.join(', ')}`) : null,
      stage.spawn ? h('span', {class: 'muted'}, ` · spawn ${stage.spawn.state}`) : null),
    h('div', {class: 'bar', title: `${done} of ${t.total}`},
      part(t.succeeded, 'succeeded'), part(t.failed, 'failed'),
      part(t.cancelled + t.skipped, 'skipped'), part(t.running, 'running')),
    h('div', {class: 'counts'}, counts.join(' · '),
      stage.started_at ? ` · ${duration(stage.started_at, stage.ended_at)}` : ''),
    stage.error ? h('div', {class: 'error'}, stage.error) : null);
}

async function loadFiles(section, base, ctx, after = null) {
  const q = after ? `&after=${enc(after)}` : '';
  const answer = await api.get(`${base}/files?limit=100${q}`, {signal: ctx.signal});
  if (!after) section.replaceChildren();
  if (answer.items.length === 0 && !after) section.append(h('p', {class: 'muted'}, 'No files yet.'));
  section.append(h('ul', {class: 'file-list'}, answer.items.map(f => {
    const path = `${base}/files/${f.path.split('/').map(enc).join('/')}`;
    const open = e => {
      if (!api.hasKey()) return; // the link works as it is
      e.preventDefault();
      api.download(path, f.path.split('/').pop()).catch(ctx.fail);
    };
    return h('li', {}, h('a', {href: path, download: '', onclick: open}, f.path),
      h('span', {class: 'muted'}, ` ${bytes(f.size)}`));
  })));
  if (answer.next) {
    const more = h('button', {type: 'button', onclick: () => {
      more.remove();
      loadFiles(section, base, ctx, answer.next).catch(ctx.fail);
    }}, 'More files');
    section.append(more);
  }
}
