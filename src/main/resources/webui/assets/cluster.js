// The cluster: its nodes, their roles and busy slots, refreshed every few seconds.
import * as api from './api.js';
import {h} from './dom.js';

const REFRESH_MS = 5000;

export async function clusterPage(ctx) {
  async function load() {
    const c = await api.get('/api/cluster', {signal: ctx.signal});
    ctx.main.replaceChildren(h('h1', {}, 'Cluster'),
      h('p', {}, `${c.nodes.length} nodes · ${c.runs_active ?? 0} active runs · `,
        `${c.tasks_running ?? 0} tasks running · ${c.tasks_queued ?? 0} queued`),
      h('table', {},
        h('thead', {}, h('tr', {}, ['Node', 'Roles', 'Slots in use', 'Address', ''].map(t => h('th', {}, t)))),
        h('tbody', {}, c.nodes.map(n => h('tr', {'data-node': n.id},
          h('td', {class: 'mono'}, n.id, n.id === c.self ? ' (this node)' : ''),
          h('td', {}, n.roles.join(', ')),
          h('td', {}, n.slots > 0 ? slots(n) : ''),
          h('td', {class: 'mono'}, n.address ? `${n.address}:${n.http_port}` : ''),
          h('td', {}, [n.leader ? 'leader' : null, n.draining ? 'draining' : null,
            n.slots > 0 && !n.accepting && !n.draining ? 'not accepting' : null].filter(Boolean).join(', ')))))));
  }
  await load();
  const timer = setInterval(() => { if (!document.hidden) load().catch(ctx.fail); }, REFRESH_MS);
  ctx.signal.addEventListener('abort', () => clearInterval(timer));
}

function slots(node) {
  const meter = h('meter', {min: 0, max: node.slots, value: node.running});
  return [meter, ` ${node.running}/${node.slots}`];
}
