// Work queues: admin verification and review, everyone's overdue fulfillments.
import { el } from './format.js';
import { json, post } from './api.js';

function item(id, text, actions) {
  const li = el('li', { 'data-id': String(id) }, `${text} `);
  for (const [action, label, run] of actions) {
    const b = el('button', { type: 'button', 'data-action': action }, label);
    b.addEventListener('click', async () => {
      b.disabled = true;
      try { await run(); li.remove(); } catch (e) { b.disabled = false; li.append(el('span', { role: 'alert' }, ` 실패: ${e.message}`)); }
    });
    li.append(b, ' ');
  }
  return li;
}

export async function adminQueues(root, live = () => true) {
  const ents = await json('/enterprises?status=pending&limit=100');
  if (!live()) return;
  root.querySelector('[data-queue=enterprises]').replaceChildren(...ents.items.map((e) =>
    item(e.id, e.name, [['verify', '인증', () => post(`/enterprises/${e.id}/verify`)]])));
  const prods = await json('/products?status=pending_review&limit=100');
  if (!live()) return;
  root.querySelector('[data-queue=products]').replaceChildren(...prods.items.map((p) =>
    item(p.id, `${p.name} (${p.enterprise_name})`, [
      ['approve', '승인', () => post(`/products/${p.id}/approve`)],
      ['reject', '반려', () => post(`/products/${p.id}/reject`, { reason: '대시보드에서 반려' })],
    ])));
}

export async function overdue(root, live = () => true) {
  const list = root.querySelector('[data-queue=overdue]');
  const items = [];
  for (const [kind, label] of [['inspection', '검수 기한 초과'], ['payment', '대금 지급 기한 초과']]) {
    const page = await json(`/fulfillments?overdue=${kind}&limit=100`);
    for (const f of page.items) items.push(item(f.id, `${label}: ${f.enterprise_name || ''} #${f.id} ${(f.lines || []).map((l) => l.product_name).join(', ')}`, []));
  }
  if (live()) list.replaceChildren(...items);
}
