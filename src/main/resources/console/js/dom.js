// Every value from the API reaches the page as text: elements are built with createElement and
// strings are appended as text nodes. Nothing here parses HTML (no innerHTML, no insertAdjacentHTML).

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value == null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'href') el.setAttribute('href', safeHref(value));
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/** In-page routes (#/...) and absolute http(s) URLs only: a javascript: URL from the API never becomes a link. */
export function safeHref(value) {
  const text = String(value);
  if (text.startsWith('#/')) return text;
  try {
    const url = new URL(text);
    if (url.protocol === 'https:' || url.protocol === 'http:') return url.href;
  } catch (e) {
    // not a URL: falls through
  }
  return '#/';
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let ids = 0;
export function uid(prefix) {
  ids += 1;
  return `${prefix}-${ids}`;
}

export function loading(what) {
  return h('p', { class: 'loading', role: 'status' }, `Loading ${what}…`);
}

/** An API error as the API put it, for views that could not load. */
export function problem(e) {
  const text = e.code ? `${e.message} (${e.code})` : e.message;
  // A key revoked or regenerated elsewhere while this tab was open.
  const hint = e.status === 401 ? ' Sign out, then sign in with a valid key.' : '';
  return h('p', { class: 'form-error', role: 'alert' }, text + hint);
}

export function empty(text) {
  return h('p', { class: 'empty' }, text);
}

/** Says something to screen readers without moving focus. */
export function announce(text) {
  const status = document.getElementById('status');
  status.textContent = '';
  window.setTimeout(() => { status.textContent = text; }, 50);
}

/** A value as the API gave it; null shows as a dash. */
export function show(value) {
  if (value == null || value === '') return '—';
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function definitions(pairs) {
  return h('dl', { class: 'facts' }, pairs.map(([term, value]) => [h('dt', null, term), h('dd', null, value instanceof Node ? value : show(value))]));
}

/** A table whose cells carry their column's name, so that narrow screens can show each row as a card. */
export function table(caption, columns, rows) {
  return h('div', { class: 'table-wrap' },
    h('table', null,
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, rows.map((cells) => h('tr', null, cells.map((cell, i) =>
        h('td', { 'data-label': columns[i] }, cell instanceof Node ? cell : show(cell))))))));
}

/** Previous and next page buttons; previous or next is null where there is no such page. */
export function pager(label, text, previous, next) {
  return h('nav', { class: 'pager', 'aria-label': label },
    h('button', { type: 'button', class: 'quiet', disabled: !previous, onclick: previous }, 'Previous page'),
    h('span', null, text),
    h('button', { type: 'button', class: 'quiet', disabled: !next, onclick: next }, 'Next page'));
}

/** Something shown once (a new key, a signing secret): the reader must copy it now. */
export function once(title, pairs) {
  const box = h('section', { class: 'once', role: 'alert', 'aria-label': title },
    h('h3', null, title),
    h('p', null, 'Copy it now: Convene keeps only a hash and will not show it again.'),
    h('dl', { class: 'facts' }, pairs.map(([term, value]) => [h('dt', null, term), h('dd', null, h('code', { class: 'secret' }, value))])));
  box.append(h('button', { type: 'button', class: 'quiet', onclick: () => box.remove() }, 'I have copied it'));
  return box;
}

/** A two-step destructive action: the first click asks, the second does it. */
export function confirmButton(label, question, confirmLabel, action) {
  const wrap = h('span', { class: 'confirm' });
  const ask = h('button', { type: 'button', class: 'danger', onclick: () => {
    const yes = h('button', { type: 'button', class: 'danger', onclick: async () => {
      yes.disabled = true;
      try { await action(); } finally { yes.disabled = false; }
    } }, confirmLabel);
    const no = h('button', { type: 'button', class: 'quiet', onclick: () => { replace(wrap, ask); ask.focus(); } }, 'Keep it');
    replace(wrap, h('span', { class: 'question' }, question), ' ', yes, ' ', no);
    yes.focus();
  } }, label);
  wrap.append(ask);
  return wrap;
}
