// Number formatting in Korean.
const nf = new Intl.NumberFormat('ko-KR');
export const won = (n) => `${nf.format(n)}원`;
export const num = (n) => nf.format(n);
export const bp = (n) => `${(n / 100).toFixed(2)}%`;
export function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}
