// The jobs, and for each a form built from its declared inputs that starts a run.
import * as api from './api.js';
import {h, enc} from './dom.js';

export async function jobsPage(ctx) {
  const jobs = (await api.get('/api/jobs', {signal: ctx.signal})).items;
  ctx.main.replaceChildren(h('h1', {}, 'Jobs'),
    jobs.length === 0 ? h('p', {class: 'muted'}, 'No jobs are defined.') : h('table', {},
      h('thead', {}, h('tr', {}, ['Job', 'Name', 'Description', 'Stages', ''].map(t => h('th', {}, t)))),
      h('tbody', {}, jobs.map(job => h('tr', {'data-job': job.id},
        h('td', {class: 'mono'}, h('a', {href: `#/jobs/${enc(job.id)}`}, job.id)),
        h('td', {}, job.name ?? ''),
        h('td', {}, job.description ?? ''),
        h('td', {}, job.stages.map(s => s.name).join(' · ')),
        h('td', {}, h('a', {href: `#/runs?job=${enc(job.id)}`}, 'runs')))))));
}

export async function jobPage(ctx, id) {
  const job = await api.get(`/api/jobs/${enc(id)}`, {signal: ctx.signal});
  const inputs = Object.entries(job.inputs);
  const fields = inputs.filter(([, spec]) => spec.source !== 'environment');
  const environment = inputs.filter(([, spec]) => spec.source === 'environment');
  const message = h('p', {class: 'error', hidden: true});

  async function start(e) {
    e.preventDefault();
    const form = new FormData(e.target);
    const body = {inputs: {}};
    const headers = {};
    for (const [name, spec] of fields) {
      const value = form.get(name);
      if (value === '') continue; // the default applies
      if (spec.source === 'http-header') headers[spec.key] = value;
      else body.inputs[name] = value;
    }
    try {
      const run = await api.post(`/api/jobs/${enc(id)}/runs`, {body, headers});
      location.hash = `#/runs/${enc(run.id)}`;
    } catch (error) {
      if (!(error instanceof api.Problem)) return ctx.fail(error);
      message.textContent = error.message;
      message.hidden = false;
    }
  }

  ctx.main.replaceChildren(
    h('h1', {}, job.name || job.id, ' ', h('span', {class: 'muted mono'}, job.id)),
    job.description ? h('p', {}, job.description) : null,
    h('form', {class: 'job-form', onsubmit: start},
      fields.length === 0 ? h('p', {class: 'muted'}, 'This job takes no inputs.') : null,
      fields.map(([name, spec]) => h('label', {},
        h('span', {class: 'mono'}, name, spec.required ? ' *' : ''),
        h('input', {name, value: spec.default ?? '', required: spec.required && spec.default == null}),
        h('small', {class: 'muted'}, spec.description ?? '',
          spec.source === 'http-header' ? ` (sent as header ${spec.key})` : ''))),
      environment.length ? h('p', {class: 'muted'}, 'Set on the worker: ',
        environment.map(([name]) => name).join(', ')) : null,
      message,
      ctx.canOperate
        ? h('button', {type: 'submit', id: 'start-run'}, 'Start run')
        : h('p', {class: 'muted'}, 'This key may only read: it cannot start runs.')));
}
