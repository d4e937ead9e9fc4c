import { h, replace, announce } from './dom.js';
import { session, call } from './api.js';
import { form } from './forms.js';
import { overview } from './overview.js';
import { meetings, meeting, scheduleMeeting } from './meetings.js';
import { webhooks, delivery } from './webhooks.js';
import { calendars } from './calendars.js';
import { settings } from './settings.js';
import { accounts } from './admin.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const signOut = document.getElementById('sign-out');

const TENANT_SECTIONS = [['#/overview', 'Overview'], ['#/meetings', 'Meetings'], ['#/webhooks', 'Webhooks'],
  ['#/calendars', 'Calendars'], ['#/settings', 'Settings']];
const ADMIN_SECTIONS = [['#/accounts', 'Accounts']];

/** [pattern, view(main, ...captures)] per signed-in kind; the first match wins. */
const ROUTES = {
  key: [
    [/^#\/overview$/, overview],
    [/^#\/meetings$/, meetings],
    [/^#\/meetings\/new$/, scheduleMeeting],
    [/^#\/meetings\/([^/]+)$/, meeting],
    [/^#\/webhooks$/, webhooks],
    [/^#\/webhooks\/deliveries\/([^/]+)$/, delivery],
    [/^#\/calendars$/, calendars],
    [/^#\/settings$/, settings],
  ],
  admin: [
    [/^#\/accounts$/, accounts],
  ],
};

function render() {
  const credential = session.get();
  if (!credential) {
    showSignIn();
    return;
  }
  const sections = credential.kind === 'admin' ? ADMIN_SECTIONS : TENANT_SECTIONS;
  const hash = location.hash.startsWith('#/') ? location.hash : sections[0][0];
  const route = ROUTES[credential.kind].find(([pattern]) => pattern.test(hash));
  if (!route) {
    location.replace(sections[0][0]);
    return;
  }
  const captures = hash.match(route[0]).slice(1).map(decodeURIComponent);
  replace(nav, h('ul', null, sections.map(([href, text]) => h('li', null,
    h('a', { href, 'aria-current': hash.startsWith(href) ? 'page' : null }, text)))));
  nav.hidden = false;
  signOut.hidden = false;
  main.replaceChildren();
  route[1](main, ...captures);
}

function showSignIn() {
  nav.hidden = true;
  signOut.hidden = true;
  const signIn = form({
    label: 'Sign in',
    submit: 'Sign in',
    // The API names no field when it refuses a credential: its message goes next to the one it is about.
    defaultField: 'secret',
    fields: [
      { name: 'kind', label: 'Sign in with', type: 'select', value: 'key',
        options: [['key', 'an API key (or OAuth access token) of a platform'], ['admin', 'the admin token (operators)']] },
      { name: 'secret', label: 'Key or token', type: 'password', required: true, autocomplete: 'off',
        hint: 'Kept in this tab only (sessionStorage) and sent as Authorization: Bearer; closing the tab forgets it.' },
    ],
    onSubmit: async ({ kind, secret }) => {
      const credential = { kind, secret };
      // The API decides whether the credential is good; its message is what the reader sees.
      await call('GET', kind === 'admin' ? '/admin/v1/accounts' : '/v1/platform/dashboard', undefined, { credential });
      session.set(kind, secret);
      announce('Signed in');
      if (location.hash.startsWith('#/')) render();
      else location.hash = kind === 'admin' ? '#/accounts' : '#/overview';
    },
  });
  replace(main, h('section', { class: 'card narrow' },
    h('h1', null, 'Sign in'),
    h('p', null, 'The console talks to this Convene\'s public API with the credential you give here.'),
    signIn.el));
  signIn.el.querySelector('input').focus();
}

signOut.addEventListener('click', () => {
  session.clear();
  announce('Signed out');
  history.replaceState(null, '', location.pathname);
  render();
});

window.addEventListener('hashchange', () => {
  if (location.hash.startsWith('#/')) {
    render();
    main.focus();
  }
});

render();
