// The dashboard: sign-in, then every figure from the public API for the caller's scope.
import { won, num, bp, el } from './format.js';
import * as api from './api.js';
import { table, downloads } from './tables.js';
import { bars } from './charts.js';
import { adminQueues, overdue } from './queues.js';

const $ = (s) => document.querySelector(s);
const KPIS = [['revenue_won', '매출', won], ['growth_bp', '전년 대비 성장률', bp], ['orders', '주문 수', num], ['active_enterprises', '거래 기업 수', num], ['active_agencies', '구매 기관 수', num]];

// Each load gets a number; a slower, older load never overwrites a newer one.
let generation = 0;

function showError(e) { $('#error').textContent = `불러오지 못했습니다: ${e.message}`; }

async function kpis(year, live) {
  const s = await api.json(`/stats/summary?year=${year}`);
  if (!live()) return;
  $('#kpis').replaceChildren(...KPIS.map(([key, label, fmt]) => {
    const d = el('div');
    d.append(el('dt', {}, label), el('dd', { 'data-kpi': key, 'data-value': String(s[key]) }, fmt(s[key])));
    return d;
  }));
}

const range = (y) => `from=${y}-01-01&to=${y}-12-31`;

async function chart(name, group, year, live) {
  const path = `/stats/sales?${range(year)}&group_by=${group}`;
  const res = await api.json(path);
  if (!live()) return;
  const box = $(`[data-chart=${name}]`);
  bars(box, res.rows, group === 'category');
  box.append(downloads(path));
}

async function top(id, group, year, label, live) {
  const path = `/stats/sales?${range(year)}&group_by=${group}`;
  const res = await api.json(path);
  if (!live()) return;
  $(id).replaceChildren(table([
    { key: 'label', label },
    { key: 'orders', label: '주문 수', num: true, fmt: num },
    { key: 'revenue_won', label: '매출', num: true, fmt: won },
  ], res.rows.slice(0, 10), { 'data-table': group }), downloads(path));
}

// Priority-purchase attainment is an agency figure: admins see every agency, buyers their
// own; enterprise users are not asked for it at all (the API answers them 403).
async function attainment(year, live) {
  const path = `/stats/priority-purchase?year=${year}`;
  const res = await api.json(path);
  if (!live()) return;
  $('#attainment-section').classList.remove('hidden');
  $('#attainment').replaceChildren(table([
    { key: 'agency_name', label: '기관' },
    { key: 'total_purchase_won', label: '총구매 계획', num: true, fmt: won },
    { key: 'social_target_bp', label: '목표 비율', num: true, fmt: bp },
    { key: 'social_economy_won', label: '사회적경제 구매', num: true, fmt: won },
    { key: 'ratio_bp', label: '달성 비율', num: true, fmt: bp },
    { key: 'attained', label: '달성', fmt: (v) => (v ? '달성' : '미달') },
  ], res.rows, { 'data-table': 'attainment' }, (row) => (row.attained ? '' : 'missed')), downloads(path));
}

async function load() {
  generation += 1;
  const mine = generation;
  const live = () => mine === generation;
  const year = $('select[name=year]').value;
  document.body.setAttribute('data-loaded', 'false');
  $('#error').textContent = '';
  const me = await api.json('/me');
  if (!live()) return;
  $('#who').textContent = `${me.display_name || me.email} (${me.role})`;
  const jobs = [kpis(year, live), chart('monthly', 'month', year, live), chart('kind', 'enterprise_kind', year, live),
    chart('district', 'district', year, live), chart('category', 'category', year, live),
    top('#top-enterprises', 'enterprise', year, '기업', live), top('#top-agencies', 'agency', year, '기관', live),
    overdue(document, live)];
  $('#queues-admin').classList.toggle('hidden', me.role !== 'admin');
  $('#attainment-section').classList.toggle('hidden', me.role === 'enterprise');
  if (me.role === 'enterprise') $('#attainment').replaceChildren();
  else jobs.push(attainment(year, live));
  if (me.role === 'admin') jobs.push(adminQueues(document, live));
  else for (const q of ['enterprises', 'products']) $(`[data-queue=${q}]`).replaceChildren();
  const results = await Promise.allSettled(jobs);
  if (!live()) return;
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) showError(failed.reason);
  document.body.setAttribute('data-loaded', 'true');
}

function show(on) {
  $('#login').classList.toggle('hidden', on);
  $('#board').classList.toggle('hidden', !on);
  $('#logout').classList.toggle('hidden', !on);
}

function init() {
  const select = $('select[name=year]');
  const now = new Date().getFullYear();
  for (let y = now; y >= 2017; y -= 1) select.append(el('option', { value: String(y) }, `${y}년`));
  select.addEventListener('change', () => load().catch(showError));
  $('#login').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = ev.target;
    try {
      await api.login(f.email.value, f.password.value);
      $('#login-error').textContent = '';
      f.reset();
      show(true);
    } catch (e) { $('#login-error').textContent = e.message; return; }
    await load().catch(showError);
  });
  $('#logout').addEventListener('click', async () => {
    generation += 1;
    await api.logout();
    show(false);
    $('#who').textContent = '';
    document.body.removeAttribute('data-loaded');
  });
  if (api.signedIn()) { show(true); load().catch(showError); }
}

init();
