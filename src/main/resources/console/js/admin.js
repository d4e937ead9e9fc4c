import { h, replace, loading, empty, table, show, announce, confirmButton, once, pager, problem } from './dom.js';
import { call } from './api.js';
import { form } from './forms.js';

const PAGE = 20;

/** The operators' view (admin token): accounts, a new account, and each account's keys and clients. */
export async function accounts(main) {
  const created = h('div');
  const issued = h('div');
  const list = h('section', { class: 'card' }, h('h2', null, 'Accounts'), loading('accounts'));
  const create = form({
    label: 'New account',
    submit: 'Create account',
    fields: [{ name: 'name', label: 'Account name', required: true }],
    onSubmit: async (v) => {
      const { data } = await call('POST', '/admin/v1/accounts', { name: v.name });
      replace(created, once(`Credentials of ${data.name}`, [['Account ID', data.id], ['API key', data.api_key],
        ['OAuth client ID', data.oauth_client.client_id], ['OAuth client secret', data.oauth_client.client_secret]]));
      announce(`Account ${data.name} created`);
      loadAccounts(list, issued);
    },
  });
  replace(main, h('h1', null, 'Accounts'),
    h('section', { class: 'card narrow' }, h('h2', null, 'New account'), create.el, created), issued, list);
  loadAccounts(list, issued);
}

async function loadAccounts(card, issued, page = 0) {
  let accounts;
  try {
    accounts = (await call('GET', '/admin/v1/accounts')).data.accounts;
  } catch (e) {
    replace(card, h('h2', null, 'Accounts'), problem(e));
    return;
  }
  const pages = Math.max(1, Math.ceil(accounts.length / PAGE));
  const shown = accounts.slice(page * PAGE, (page + 1) * PAGE);
  const refresh = () => loadAccounts(card, issued, page);
  const paging = pages === 1 ? null : pager('Account pages', `Page ${page + 1} of ${pages}`,
    page === 0 ? null : () => loadAccounts(card, issued, page - 1),
    page + 1 >= pages ? null : () => loadAccounts(card, issued, page + 1));
  replace(card, h('h2', null, `Accounts (${accounts.length})`),
    accounts.length === 0 ? empty('No accounts yet.') : table('Accounts', ['Name', 'ID', 'Created', 'API keys', 'OAuth clients'],
      shown.map((a) => [a.name, h('code', null, show(a.id)), a.created_at,
        credentials(a, 'api-keys', a.api_keys.map((k) => k.id), 'API key', issued, refresh),
        credentials(a, 'oauth-clients', a.oauth_clients.map((c) => c.client_id), 'OAuth client', issued, refresh)])),
    paging);
}

/** One account's live keys (or clients), each revocable, and a button that issues one more. */
function credentials(account, kind, ids, what, issued, refresh) {
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const fail = (e) => { error.textContent = `${e.message} (${e.code})`; error.hidden = false; };
  return h('div', { class: 'credentials' },
    ids.length === 0 ? h('p', { class: 'empty' }, 'none') : h('ul', null, ids.map((id) => h('li', null, h('code', null, show(id)), ' ',
      confirmButton('Revoke…', `Revoke ${show(id)} of ${show(account.name)} now?`, 'Yes, revoke', async () => {
        try {
          await call('DELETE', `/admin/v1/accounts/${encodeURIComponent(account.id)}/${kind}/${encodeURIComponent(id)}`);
          announce(`${what} ${id} revoked`);
          refresh();
        } catch (e) {
          fail(e);
        }
      })))),
    h('button', { type: 'button', class: 'quiet', onclick: async () => {
      try {
        const { data } = await call('POST', `/admin/v1/accounts/${encodeURIComponent(account.id)}/${kind}`);
        const pairs = data.api_key ? [['Key ID', data.id], ['API key', data.api_key]]
          : [['OAuth client ID', data.client_id], ['OAuth client secret', data.client_secret]];
        await refresh();
        replace(issued, once(`New ${what} for ${account.name}`, pairs));
      } catch (e) {
        fail(e);
      }
    } }, `Issue ${what}`),
    error);
}
