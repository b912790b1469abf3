// The page's frame: hash routes (#/runs, #/runs/<id>, #/jobs, #/jobs/<id>, #/schedules,
// #/cluster), the API key prompt and errors. Each page renders into <main> and stops its timers
// and streams when `ctx.signal` aborts (the user went elsewhere).
import * as api from './api.js';
import {h} from './dom.js';
import {runsPage} from './runs.js';
import {runPage} from './run.js';
import {jobsPage, jobPage} from './jobs.js';
import {schedulesPage} from './schedules.js';
import {clusterPage} from './cluster.js';

const main = document.getElementById('main');
let leaving = null;
let operate = null; // whether the key may operate runs, asked once per key

function pageFor(name, id) {
  switch (name) {
    case 'runs': return id ? ctx => runPage(ctx, id) : runsPage;
    case 'jobs': return id ? ctx => jobPage(ctx, id) : jobsPage;
    case 'schedules': return schedulesPage;
    case 'cluster': return clusterPage;
    default: return null;
  }
}

async function route() {
  leaving?.abort();
  const controller = new AbortController();
  leaving = controller;
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const [name = 'runs', id] = path.split('/').map(decodeURIComponent);
  for (const a of document.querySelectorAll('nav a')) {
    a.classList.toggle('active', a.dataset.nav === name);
  }
  const page = pageFor(name || 'runs', id);
  if (!page) {
    main.replaceChildren(h('p', {class: 'error'}, 'No such page.'));
    return;
  }
  const ctx = {main, signal: controller.signal, query: new URLSearchParams(query), fail};
  try {
    if (operate === null) operate = await api.canOperate();
    ctx.canOperate = operate;
    document.getElementById('role').textContent = operate ? '' : 'read-only key';
    await page(ctx);
  } catch (e) {
    if (e.name !== 'AbortError' && !(e instanceof api.Unauthorized)) main.replaceChildren();
    fail(e);
  }
}

/** What a page does with an error it cannot handle itself. */
function fail(error) {
  if (error.name === 'AbortError') return;
  if (error instanceof api.Unauthorized) {
    askKey(error.rejected);
    return;
  }
  main.prepend(h('p', {class: 'error'}, error.message));
}

/** Asks for the API key once; it is kept in sessionStorage (this tab only). */
function askKey(rejected) {
  leaving?.abort();
  operate = null;
  const input = h('input', {type: 'password', id: 'api-key', autocomplete: 'off', required: true});
  const submit = e => {
    e.preventDefault();
    api.setKey(input.value.trim());
    route();
  };
  main.replaceChildren(h('form', {class: 'key', onsubmit: submit},
    h('h1', {}, 'API key'),
    rejected ? h('p', {class: 'error'}, 'That key was not accepted.') : null,
    h('p', {}, 'This flowbus needs an API key. It is kept in this browser tab until you close it.'),
    h('label', {}, 'Key ', input),
    h('button', {type: 'submit'}, 'Continue')));
  input.focus();
}

window.addEventListener('hashchange', route);
route();
