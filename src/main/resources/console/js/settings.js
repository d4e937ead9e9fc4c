import { h, replace, loading, announce, confirmButton, once, problem } from './dom.js';
import { call, session } from './api.js';
import { form, list } from './forms.js';

export async function settings(main) {
  const uris = h('section', { class: 'card' }, h('h2', null, 'Redirect URIs'), loading('settings'));
  const key = h('section', { class: 'card' });
  replace(main, h('h1', null, 'Settings'), h('div', { class: 'grid two' }, uris, key));
  showKey(key);
  let current;
  try {
    current = (await call('GET', '/v1/platform/settings')).data;
  } catch (e) {
    replace(uris, h('h2', null, 'Redirect URIs'), problem(e));
    return;
  }
  showUris(uris, current);
}

function showUris(card, current) {
  const saved = h('p', { role: 'status', class: 'hint' });
  const edit = form({
    label: 'Redirect URIs',
    submit: 'Save redirect URIs',
    fields: [{ name: 'redirect_uris', label: 'Redirect URIs (one per line, at most 5)', type: 'textarea', rows: 5,
      value: current.redirect_uris.join('\n'), hint: 'Where users land after connecting a calendar' }],
    onSubmit: async (v) => {
      const { data } = await call('PUT', '/v1/platform/settings', { redirect_uris: list(v.redirect_uris) });
      showUris(card, data);
      announce('Redirect URIs saved');
    },
  });
  replace(card, h('h2', null, 'Redirect URIs'), edit.el, saved,
    h('p', { class: 'hint' }, 'Webhook URL: ', current.webhook_url == null ? 'none' : h('code', null, current.webhook_url), ' (change it under ', h('a', { href: '#/webhooks' }, 'Webhooks'), ')'));
}

function showKey(card) {
  const result = h('div');
  const regenerate = confirmButton('Regenerate API key…', 'The key this console uses stops working at once. Go on?', 'Yes, regenerate', async () => {
    try {
      const { data } = await call('POST', '/v1/platform/regenerate-key');
      // The old key is dead: keep working with the new one in this tab.
      session.set('key', data.api_key);
      replace(result, once('New API key', [['API key', data.api_key]]));
      announce('A new API key was generated');
    } catch (e) {
      replace(result, problem(e));
    }
  });
  replace(card, h('h2', null, 'API key'),
    h('p', null, 'A new key replaces the one that asks for it; the new key is shown once.'), regenerate, result);
}
