import { h, replace, loading, definitions, show, problem } from './dom.js';
import { call } from './api.js';

/** The dashboard call, as cards: usage, meetings this month by status, webhook deliveries over 24 hours. */
export async function overview(main) {
  const body = h('div', { class: 'grid overview' }, loading('the overview'));
  replace(main, h('h1', null, 'Overview'), body);
  try {
    const { data } = await call('GET', '/v1/platform/dashboard');
    const { platform, usage, stats } = data;
    const byStatus = stats.meetings_by_status;
    const deliveries = stats.webhook_deliveries_24h;
    replace(body,
      card('Platform', definitions([
        ['Name', platform.name], ['ID', h('code', null, show(platform.id))], ['Plan', platform.plan],
        ['API key', data.api_key_masked == null ? 'signed in with an access token' : h('code', null, data.api_key_masked)],
      ])),
      card('Usage this month', definitions([
        ['Meetings scheduled', usage.this_month],
        ['Monthly limit', usage.limit == null ? 'none' : usage.limit],
        ['Remaining', usage.remaining == null ? 'unlimited' : usage.remaining],
        ['Can schedule', usage.can_schedule ? 'yes' : 'no'],
        ['Connected calendars', data.connected_users],
      ])),
      card('Meetings', definitions([
        ['Scheduled this month', byStatus.scheduled], ['Cancelled this month', byStatus.cancelled],
        ['Last month', stats.meetings_last_month], ['All time', stats.total_meetings_scheduled],
        ['Reschedule rate', percent(stats.reschedule_rate)], ['Cancellation rate', percent(stats.cancellation_rate)],
      ]), h('p', null, h('a', { href: '#/meetings' }, 'All meetings'), ' · ', h('a', { href: '#/meetings/new' }, 'Schedule a meeting'))),
      card('Webhook deliveries, last 24 hours', definitions([
        ['Delivered', deliveries.success], ['Failed', deliveries.failed], ['Pending', deliveries.pending],
      ]), h('p', null, h('a', { href: '#/webhooks' }, 'Webhook settings and log'))));
  } catch (e) {
    replace(body, problem(e));
  }
}

function card(title, ...content) {
  return h('section', { class: 'card' }, h('h2', null, title), ...content);
}

function percent(rate) {
  return rate == null ? '—' : `${Math.round(rate * 100)} %`;
}
