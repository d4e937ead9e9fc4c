import { h, replace, loading, empty, table, show, announce, confirmButton, pager, problem } from './dom.js';
import { call, query } from './api.js';
import { form } from './forms.js';

const PAGE = 20;

export async function calendars(main) {
  const connections = h('section', { class: 'card' }, h('h2', null, 'Connections'), loading('calendar connections'));
  const connect = h('section', { class: 'card' });
  replace(main, h('h1', null, 'Calendars'), h('div', { class: 'grid two' }, connections, connect));
  showConnect(connect);
  loadConnections(connections);
}

async function loadConnections(card, page = 0) {
  let data;
  try {
    ({ data } = await call('GET', '/v1/calendars'));
  } catch (e) {
    replace(card, h('h2', null, 'Connections'), problem(e));
    return;
  }
  const rows = data.connections.slice(page * PAGE, (page + 1) * PAGE);
  const pages = Math.max(1, Math.ceil(data.connections.length / PAGE));
  const paging = pages === 1 ? null : pager('Connection pages', `Page ${page + 1} of ${pages}`,
    page === 0 ? null : () => loadConnections(card, page - 1),
    page + 1 >= pages ? null : () => loadConnections(card, page + 1));
  replace(card, h('h2', null, `Connections (${data.count})`),
    rows.length === 0 ? empty('No user has connected a Google Calendar yet.')
      : table('Calendar connections', ['User', 'Google ID', 'Connected', 'Last used', 'Time zone', ''], rows.map((c) => [
        c.user_email, c.google_id, c.connected_at, c.last_used_at, c.timezone,
        confirmButton('Disconnect…', `Disconnect ${show(c.user_email)}? Their meetings stay.`, 'Yes, disconnect', async () => {
          try {
            await call('DELETE', `/v1/calendars/${encodeURIComponent(c.user_email)}`);
            announce(`Disconnected ${c.user_email}`);
            loadConnections(card, page);
          } catch (e) {
            card.append(problem(e));
          }
        })])),
    paging);
}

async function showConnect(card) {
  let redirectUris = [];
  try {
    redirectUris = (await call('GET', '/v1/platform/settings')).data.redirect_uris;
  } catch (e) {
    replace(card, h('h2', null, 'Connect link'), problem(e));
    return;
  }
  const result = h('div', { role: 'status' });
  const link = form({
    label: 'Connect link',
    submit: 'Get connect link',
    fields: [
      { name: 'user_email', label: 'User email', type: 'email', required: true },
      redirectUris.length === 0
        ? { name: 'redirect_uri', label: 'Redirect URI', type: 'url', hint: 'Register redirect URIs under Settings first' }
        : { name: 'redirect_uri', label: 'Redirect URI', type: 'select', options: redirectUris.map((u) => [u, u]), value: redirectUris[0] },
      { name: 'state', label: 'State (optional)', hint: 'Sent back to the redirect URI unchanged' },
    ],
    onSubmit: async (v) => {
      const { data } = await call('GET', `/v1/platform/oauth-url${query(v)}`);
      replace(result,
        h('p', null, 'Send the user to: ', h('a', { href: data.oauth_url, rel: 'noopener noreferrer', target: '_blank', class: 'break' }, data.oauth_url)),
        h('p', { class: 'hint' }, data.instructions));
    },
  });
  replace(card, h('h2', null, 'Connect link'),
    h('p', null, 'A one-time Google consent link that connects a user\'s calendar to this platform.'), link.el, result);
}
