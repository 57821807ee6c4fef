// The API client: tokens in sessionStorage, one refresh on 401, logout clears them.
export const BASE = '/api/v1';
const store = window.sessionStorage;

export function signedIn() { return store.getItem('access') !== null; }

function keep(body) {
  store.setItem('access', body.access_token);
  store.setItem('refresh', body.refresh_token);
}

export async function login(email, password) {
  const r = await fetch(`${BASE}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (!r.ok) throw new Error(r.status === 429 ? '잠시 후 다시 시도하세요' : '이메일 또는 비밀번호가 올바르지 않습니다');
  keep(await r.json());
}

async function refresh() {
  const token = store.getItem('refresh');
  if (!token) return false;
  const r = await fetch(`${BASE}/auth/refresh`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ refresh_token: token }) });
  if (!r.ok) { store.clear(); return false; }
  keep(await r.json());
  return true;
}

export async function logout() {
  const token = store.getItem('refresh');
  store.clear();
  if (token) await fetch(`${BASE}/auth/logout`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ refresh_token: token }) }).catch(() => {});
}

export async function raw(path, init = {}) {
  const go = () => fetch(`${BASE}${path}`, { ...init, headers: { ...(init.headers || {}), Authorization: `Bearer ${store.getItem('access')}` } });
  let r = await go();
  if (r.status === 401 && await refresh()) r = await go();
  return r;
}

export async function json(path, init) {
  const r = await raw(path, init);
  if (!r.ok) { const e = new Error(`${path}: ${r.status}`); e.status = r.status; throw e; }
  return r.status === 204 ? null : r.json();
}

export async function post(path, body) {
  return json(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
}

// Downloads `path` (with format=...) as a file named by Content-Disposition.
export async function download(path) {
  const r = await raw(path);
  if (!r.ok) throw new Error(`다운로드 실패 (${r.status})`);
  const cd = r.headers.get('Content-Disposition') || '';
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(cd);
  const name = m ? decodeURIComponent(m[1]) : 'export';
  const url = URL.createObjectURL(await r.blob());
  const a = document.createElement('a');
  a.href = url; a.download = name; document.body.append(a); a.click(); a.remove();
  URL.revokeObjectURL(url);
}
