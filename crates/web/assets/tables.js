// Tables: plain, sortable by header click, with CSV/XLSX download buttons.
import { el } from './format.js';
import { download, BASE } from './api.js';

const collator = new Intl.Collator('ko-KR', { numeric: true });

function compare(x, y) {
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === 'boolean' && typeof y === 'boolean') return Number(x) - Number(y);
  return collator.compare(String(x ?? ''), String(y ?? ''));
}

// columns: [{key, label, fmt?, num?}]
export function table(columns, rows, attrs = {}, rowClass) {
  const t = el('table', attrs);
  const thead = el('thead');
  const head = el('tr');
  const body = el('tbody');
  let sortKey = null;
  let asc = true;
  const fill = (list) => {
    body.replaceChildren(...list.map((r) => {
      const tr = el('tr');
      const cls = rowClass ? rowClass(r) : '';
      if (cls) tr.className = cls;
      for (const c of columns) {
        const v = r[c.key];
        tr.append(el('td', c.num ? { class: 'num', 'data-value': String(v) } : {}, c.fmt ? c.fmt(v) : String(v ?? '')));
      }
      return tr;
    }));
  };
  const ths = columns.map((c) => {
    const th = el('th', c.num ? { class: 'num', scope: 'col' } : { scope: 'col' });
    const b = el('button', { type: 'button' }, c.label);
    b.addEventListener('click', () => {
      asc = sortKey === c.key ? !asc : true;
      sortKey = c.key;
      const sorted = [...rows].sort((x, y) => compare(x[c.key], y[c.key]) * (asc ? 1 : -1));
      for (const other of ths) other.removeAttribute('aria-sort');
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      fill(sorted);
    });
    th.append(b);
    return th;
  });
  head.append(...ths);
  thead.append(head);
  t.append(thead, body);
  fill(rows);
  return t;
}

// Buttons fetching `path` with format=csv|xlsx; errors go to `status`.
export function downloads(path) {
  const box = el('p');
  const status = el('span', { role: 'status' });
  for (const f of ['csv', 'xlsx']) {
    const sep = path.includes('?') ? '&' : '?';
    const target = `${path}${sep}format=${f}`;
    const b = el('button', { type: 'button', 'data-download': f, 'data-href': `${BASE}${target}` }, `${f.toUpperCase()} 다운로드`);
    b.addEventListener('click', () => {
      status.textContent = '';
      download(target).catch((e) => { status.textContent = e.message; });
    });
    box.append(b, ' ');
  }
  box.append(status);
  return box;
}
