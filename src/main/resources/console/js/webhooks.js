import { h, replace, loading, empty, definitions, table, show, announce, once, pager, problem } from './dom.js';
import { call, query } from './api.js';
import { form, number } from './forms.js';

const EVENT_TYPES = ['meeting.scheduled', 'meeting.updated', 'meeting.cancelled',
  'user.calendar.connected', 'user.calendar.disconnected', 'meeting.calendar_sync_failed'];
const log = { filters: { event: '', status: '', limit: '25' }, cursors: [null] };

export async function webhooks(main) {
  const endpoint = h('section', { class: 'card' }, h('h2', null, 'Endpoint'), loading('the endpoint'));
  const deliveries = h('section', { class: 'card' });
  replace(main, h('h1', null, 'Webhooks'), h('div', { class: 'grid two' }, endpoint), deliveries);
  showLog(deliveries);
  let current = null;
  try {
    current = (await call('GET', '/v1/platform/webhook')).data;
  } catch (e) {
    if (e.code !== 'webhook_not_configured') {
      replace(endpoint, h('h2', null, 'Endpoint'), problem(e));
      return;
    }
  }
  showEndpoint(endpoint, current, deliveries);
}

function showEndpoint(card, current, deliveries) {
  const testResult = h('p', { class: 'hint', role: 'status' });
  const settings = form({
    label: 'Webhook endpoint',
    submit: current ? 'Save' : 'Create endpoint',
    fields: [
      { name: 'url', label: 'URL', type: 'url', required: true, value: current && current.url, placeholder: 'https://app.example.com/hooks' },
      { name: 'enabled', label: 'Enabled', type: 'checkbox', value: current ? current.enabled : true },
      { name: 'events', label: 'Events', type: 'checkboxes', options: EVENT_TYPES, value: current ? current.events : EVENT_TYPES },
      { name: 'max_retries', label: 'Retries', type: 'number', value: current ? current.max_retries : 7, min: 0, max: 20 },
      { name: 'timeout_seconds', label: 'Timeout (seconds)', type: 'number', value: current ? current.timeout_seconds : 15, min: 1, max: 30 },
      { name: 'rotate_secret', label: 'Issue a new signing secret (the old one keeps signing for 24 hours)', type: 'checkbox', value: false },
    ],
    onSubmit: async (v) => {
      const { data } = await call('PUT', '/v1/platform/webhook', {
        url: v.url, enabled: v.enabled, events: v.events,
        max_retries: number(v.max_retries), timeout_seconds: number(v.timeout_seconds), rotate_secret: v.rotate_secret,
      });
      showEndpoint(card, data, deliveries);
      if (data.secret) card.querySelector('h2').after(once('Signing secret', [['Signing secret', data.secret]]));
      announce('Webhook endpoint saved');
    },
  });
  const test = h('button', { type: 'button', class: 'quiet', disabled: !current, onclick: async () => {
    test.disabled = true;
    try {
      const { data } = await call('POST', '/v1/platform/webhook/test');
      replace(testResult, 'Test event queued as ', h('a', { href: `#/webhooks/deliveries/${encodeURIComponent(data.delivery.id)}` }, data.delivery.id), '.');
      showLog(deliveries);
    } catch (e) {
      replace(testResult, problem(e));
    } finally {
      test.disabled = false;
    }
  } }, 'Send test event');
  replace(card, h('h2', null, 'Endpoint'),
    current ? null : empty('No endpoint yet: give a URL to start receiving events.'),
    current && current.disabled_reason ? h('p', { class: 'form-error' }, `Disabled: ${current.disabled_reason}`) : null,
    settings.el, h('div', { class: 'actions' }, test), testResult);
}

async function showLog(card, filters = log.filters, cursors = log.cursors) {
  const results = h('div', { class: 'results' }, loading('deliveries'));
  const filterForm = form({
    label: 'Filter deliveries',
    submit: 'Apply filters',
    className: 'filters',
    fields: [
      { name: 'event', label: 'Event', type: 'select', value: filters.event,
        options: [['', 'any'], ...[...EVENT_TYPES, 'webhook.test'].map((t) => [t, t])] },
      { name: 'status', label: 'Outcome', type: 'select', value: filters.status,
        options: [['', 'any'], ['success', 'delivered'], ['failed', 'failed'], ['pending', 'pending']] },
      { name: 'limit', label: 'Per page', type: 'select', value: filters.limit, options: [['10', '10'], ['25', '25'], ['50', '50']] },
    ],
    onSubmit: (v) => showLog(card, v, [null]),
  });
  replace(card, h('div', { class: 'heading' }, h('h2', null, 'Delivery log'),
    h('button', { type: 'button', class: 'quiet', onclick: () => showLog(card, filters, cursors) }, 'Refresh')), filterForm.el, results);
  let data;
  try {
    ({ data } = await call('GET', `/v1/platform/webhook/logs${query({ ...filters, cursor: cursors[cursors.length - 1] })}`));
  } catch (e) {
    replace(results);
    filterForm.showError(e);
    return;
  }
  log.filters = filters;
  log.cursors = cursors;
  const page = cursors.length;
  const paging = pager('Delivery pages', `Page ${page}`,
    page === 1 ? null : () => showLog(card, filters, cursors.slice(0, -1)),
    data.pagination.has_more ? () => showLog(card, filters, [...cursors, data.pagination.next_cursor]) : null);
  if (data.deliveries.length === 0) {
    replace(results, empty(page === 1 ? 'No deliveries match these filters.' : 'No more deliveries.'), page === 1 ? null : paging);
    return;
  }
  replace(results, table('Deliveries', ['Time', 'Event', 'Outcome', 'Response', 'Attempts', 'Duration (ms)', 'Error'],
    data.deliveries.map((d) => [
      h('a', { href: `#/webhooks/deliveries/${encodeURIComponent(d.id)}` }, show(d.timestamp)),
      d.event, h('span', { class: `badge ${d.status}` }, show(d.status)), d.response_code, d.attempts, d.duration_ms, d.error])), paging);
}

export async function delivery(main, id) {
  const body = h('div', null, loading('the delivery'));
  replace(main, h('p', { class: 'crumbs' }, h('a', { href: '#/webhooks' }, 'Webhooks')), body);
  let d;
  try {
    d = (await call('GET', `/v1/platform/webhook/deliveries/${encodeURIComponent(id)}`)).data.delivery;
  } catch (e) {
    replace(body, h('h1', null, 'Delivery'), problem(e));
    return;
  }
  const result = h('p', { role: 'status' });
  const redeliver = h('button', { type: 'button', onclick: async () => {
    redeliver.disabled = true;
    try {
      const { data } = await call('POST', `/v1/platform/webhook/deliveries/${encodeURIComponent(d.id)}/redeliver`);
      replace(result, 'Sent again as ', h('a', { href: `#/webhooks/deliveries/${encodeURIComponent(data.delivery.id)}` }, data.delivery.id),
        ', with the same webhook-id.');
    } catch (e) {
      replace(result, problem(e));
    } finally {
      redeliver.disabled = false;
    }
  } }, 'Redeliver');
  replace(body,
    h('div', { class: 'heading' }, h('h1', null, `Delivery ${d.id}`), h('span', { class: `badge ${d.status}` }, show(d.status))),
    h('section', { class: 'card' }, definitions([
      ['Event', d.event], ['Event ID (webhook-id)', h('code', null, show(d.event_id))], ['Created', d.timestamp], ['URL', d.url],
      ['Response', d.response_code], ['Attempts', d.attempts], ['Duration (ms)', d.duration_ms], ['Error', d.error],
      ['Next attempt', d.next_attempt_at],
    ]), h('div', { class: 'actions' }, redeliver), result),
    h('section', { class: 'card' }, h('h2', null, 'Attempts'),
      d.attempt_log.length === 0 ? empty('Not attempted yet.')
        : table('Attempts', ['Time', 'URL', 'Response', 'Duration (ms)', 'Error', 'Response body'],
          d.attempt_log.map((a) => [a.timestamp, a.url, a.response_code, a.duration_ms, a.error, a.response_body]))));
}
