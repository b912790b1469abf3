// The schedules of the definitions in force, with pause, resume and trigger.
import * as api from './api.js';
import {h, badge, enc, time} from './dom.js';

export async function schedulesPage(ctx) {
  const message = h('p', {class: 'error', hidden: true});
  const list = h('div');
  ctx.main.replaceChildren(h('h1', {}, 'Schedules'), message, list);

  async function act(id, action) {
    message.hidden = true;
    try {
      await api.post(`/api/schedules/${enc(id)}/${action}`);
    } catch (e) {
      if (!(e instanceof api.Problem)) return ctx.fail(e);
      message.textContent = e.message;
      message.hidden = false;
    }
    await load();
  }

  async function load() {
    let items;
    try {
      items = (await api.get('/api/schedules', {signal: ctx.signal})).items;
    } catch (e) {
      if (!(e instanceof api.Problem) || e.status !== 404) throw e;
      items = []; // a node without schedules support
    }
    list.replaceChildren(items.length === 0 ? h('p', {class: 'muted'}, 'No schedules.') : h('table', {},
      h('thead', {}, h('tr', {}, ['Schedule', 'Job', 'Cron', 'Next', 'Last', 'Last run', 'State', '']
        .map(t => h('th', {}, t)))),
      h('tbody', {}, items.map(s => h('tr', {'data-schedule': s.id},
        h('td', {class: 'mono'}, s.id),
        h('td', {}, h('a', {href: `#/jobs/${enc(s.job)}`}, s.job)),
        h('td', {class: 'mono'}, s.cron, s.timezone ? ` (${s.timezone})` : ''),
        h('td', {}, time(s.next_fire_at)),
        h('td', {}, time(s.last_fire_at)),
        h('td', {}, lastRun(s.last_run)),
        h('td', {}, badge(s.paused ? 'PAUSED' : 'ACTIVE')),
        h('td', {}, ctx.canOperate ? [
          h('button', {type: 'button', onclick: () => act(s.id, s.paused ? 'resume' : 'pause')}, s.paused ? 'resume' : 'pause'),
          ' ', h('button', {type: 'button', onclick: () => act(s.id, 'trigger')}, 'trigger')] : ''))))));
  }

  await load();
}

/** The last run as a link, whether the API names it by id or gives it as an object. */
function lastRun(run) {
  const id = typeof run === 'string' ? run : run?.id;
  return id ? h('a', {href: `#/runs/${enc(id)}`, class: 'mono'}, id) : '';
}
