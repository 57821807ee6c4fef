// Charts (Chart.js, vendored) with a table alternative under each.
import { won, num } from './format.js';
import { table } from './tables.js';

const charts = new Map();

export function bars(box, rows, horizontal = false) {
  const old = charts.get(box);
  if (old) old.destroy();
  box.replaceChildren();
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${box.closest('section')?.querySelector('h2')?.textContent || ''} 차트`);
  box.append(canvas);
  const chart = new window.Chart(canvas, {
    type: 'bar',
    data: { labels: rows.map((r) => r.label), datasets: [{ label: '매출(원)', data: rows.map((r) => r.revenue_won), backgroundColor: '#0b4f6c' }] },
    options: { indexAxis: horizontal ? 'y' : 'x', animation: false, responsive: true, plugins: { legend: { display: false } } },
  });
  charts.set(box, chart);
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  summary.textContent = '표로 보기';
  details.append(summary, table([
    { key: 'label', label: '구분' },
    { key: 'orders', label: '주문 수', num: true, fmt: num },
    { key: 'revenue_won', label: '매출', num: true, fmt: won },
  ], rows));
  box.append(details);
}
