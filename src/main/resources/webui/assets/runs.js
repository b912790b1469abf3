// The runs list: filter by job and state, paged, refreshed every few seconds.
import * as api from './api.js';
import {h, badge, enc, time, duration, pager, Page} from './dom.js';

const STATES = ['CREATED', 'RUNNING', 'PAUSED', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'DAMAGED'];
const REFRESH_MS = 3000;

export async function runsPage(ctx) {
  const jobs = (await api.get('/api/jobs', {signal: ctx.signal})).items;
  const page = new Page();
  const filter = {job: ctx.query.get('job') || '', state: ctx.query.get('state') || ''};
  const list = h('div');
  const select = (name, values) => h('select', {name, onchange: e => {
    filter[name] = e.target.value;
    page.reset();
    load().catch(ctx.fail);
  }}, h('option', {value: ''}, `every ${name}`),
  values.map(v => h('option', {value: v, selected: v === filter[name]}, v)));

  async function load() {
    const answer = await api.get(`/api/runs?${page.query({...filter, limit: 20})}`, {signal: ctx.signal});
    page.next = answer.next;
    list.replaceChildren(table(answer.items), pager(page, step => { page.move(step); load().catch(ctx.fail); }));
  }

  ctx.main.replaceChildren(h('h1', {}, 'Runs'),
    h('div', {class: 'filters'}, select('job', jobs.map(j => j.id)), select('state', STATES)),
    list);
  await load();
  const timer = setInterval(() => { if (!document.hidden) load().catch(ctx.fail); }, REFRESH_MS);
  ctx.signal.addEventListener('abort', () => clearInterval(timer));
}

function table(runs) {
  if (runs.length === 0) return h('p', {class: 'muted'}, 'No runs.');
  return h('table', {class: 'runs'},
    h('thead', {}, h('tr', {}, ['Run', 'Job', 'State', 'Progress', 'Created', 'Duration'].map(t => h('th', {}, t)))),
    h('tbody', {}, runs.map(run => h('tr', {'data-run': run.id},
      h('td', {}, h('a', {href: `#/runs/${enc(run.id)}`}, run.id)),
      h('td', {}, run.job),
      h('td', {}, badge(run.state)),
      h('td', {}, progress(run.stages)),
      h('td', {}, time(run.created_at)),
      h('td', {}, duration(run.started_at, run.ended_at))))));
}

function progress(stages) {
  const done = stages.filter(s => ['SUCCEEDED', 'FAILED', 'CANCELLED', 'SKIPPED'].includes(s.state)).length;
  return `${done}/${stages.length} stages`;
}
