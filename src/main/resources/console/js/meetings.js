import { h, replace, loading, empty, definitions, table, show, announce, confirmButton, pager, problem } from './dom.js';
import { call, query } from './api.js';
import { form, list, number, suggestedStart } from './forms.js';

const TIME_HINT = 'RFC 3339 with an offset, e.g. 2025-11-26T15:00:00-08:00';
/** The list's filters and the cursors of the pages before this one; kept while the tab lives. */
const state = { filters: { attendee: '', status: '', start_after: '', start_before: '', updated_since: '', limit: '25' }, cursors: [null] };

export function meetings(main) {
  const results = h('div', { class: 'results' });
  const filters = form({
    label: 'Filter meetings',
    submit: 'Apply filters',
    className: 'filters',
    fields: [
      { name: 'attendee', label: 'Attendee email', type: 'email', value: state.filters.attendee },
      { name: 'status', label: 'Status', type: 'select', value: state.filters.status,
        options: [['', 'any'], ['scheduled', 'scheduled'], ['cancelled', 'cancelled']] },
      { name: 'start_after', label: 'Starts after', value: state.filters.start_after, placeholder: 'RFC 3339' },
      { name: 'start_before', label: 'Starts before', value: state.filters.start_before, placeholder: 'RFC 3339' },
      { name: 'updated_since', label: 'Updated since', value: state.filters.updated_since, placeholder: 'RFC 3339' },
      { name: 'limit', label: 'Per page', type: 'select', value: state.filters.limit,
        options: [['10', '10'], ['25', '25'], ['50', '50'], ['100', '100']] },
    ],
    onSubmit: async (values) => {
      await load(values, [null]);
    },
  });

  const failed = (e) => filters.showError(e);

  async function load(filters, cursors) {
    replace(results, loading('meetings'));
    const cursor = cursors[cursors.length - 1];
    try {
      const { data } = await call('GET', `/v1/meetings${query({ ...filters, cursor })}`);
      state.filters = filters;
      state.cursors = cursors;
      render(data, filters, cursors);
    } catch (e) {
      replace(results);
      throw e;
    }
  }

  function render(data, filters, cursors) {
    const page = cursors.length;
    const paging = pager('Meeting pages', `Page ${page}`,
      page === 1 ? null : () => load(filters, cursors.slice(0, -1)).catch(failed),
      data.has_more ? () => load(filters, [...cursors, data.next_cursor]).catch(failed) : null);
    if (data.meetings.length === 0) {
      replace(results, empty(page === 1 ? 'No meetings match these filters.' : 'No more meetings.'), page === 1 ? null : paging);
      return;
    }
    replace(results,
      table('Meetings', ['Title', 'Starts', 'Ends', 'Attendees', 'Status'], data.meetings.map((m) => [
        h('a', { href: `#/meetings/${encodeURIComponent(m.meeting_id)}` }, show(m.title)),
        m.start_time, m.end_time, m.attendees, h('span', { class: `badge ${m.status}` }, show(m.status))])),
      paging);
    announce(`${data.meetings.length} meetings on page ${page}`);
  }

  replace(main,
    h('div', { class: 'heading' }, h('h1', null, 'Meetings'), h('a', { class: 'button', href: '#/meetings/new' }, 'Schedule a meeting')),
    filters.el, results);
  load(state.filters, state.cursors).catch(failed);
}

export function scheduleMeeting(main) {
  const schedule = form({
    label: 'Schedule a meeting',
    submit: 'Schedule',
    fields: [
      { name: 'title', label: 'Title', required: true },
      { name: 'attendees', label: 'Attendees', type: 'textarea', required: true, rows: 2, hint: 'Email addresses, separated by commas or new lines' },
      { name: 'start_time', label: 'Start', required: true, value: suggestedStart(), hint: TIME_HINT },
      { name: 'duration_minutes', label: 'Duration (minutes)', type: 'number', required: true, value: '30', min: 1, max: 1440 },
      { name: 'location', label: 'Location', placeholder: 'Google Meet' },
      { name: 'description', label: 'Description', type: 'textarea' },
    ],
    onSubmit: async (v) => {
      const body = { title: v.title, attendees: list(v.attendees), start_time: v.start_time, duration_minutes: number(v.duration_minutes) };
      if (v.location) body.location = v.location;
      if (v.description) body.description = v.description;
      const { data } = await call('POST', '/v1/schedule', body);
      state.cursors = [null];
      announce('Meeting scheduled');
      location.hash = `#/meetings/${encodeURIComponent(data.meeting_id)}`;
    },
  });
  replace(main, h('p', { class: 'crumbs' }, h('a', { href: '#/meetings' }, 'Meetings')), h('h1', null, 'Schedule a meeting'), h('section', { class: 'card narrow' }, schedule.el));
  schedule.el.querySelector('input').focus();
}

export async function meeting(main, id) {
  const body = h('div', null, loading('the meeting'));
  replace(main, h('p', { class: 'crumbs' }, h('a', { href: '#/meetings' }, 'Meetings')), body);
  let answer;
  try {
    answer = await call('GET', `/v1/meetings/${encodeURIComponent(id)}`);
  } catch (e) {
    replace(body, h('h1', null, 'Meeting'), problem(e));
    return;
  }
  const m = answer.data;
  const cancelled = m.status === 'cancelled';
  const history = h('section', { class: 'card', 'aria-labelledby': 'history-title' }, historyTitle(), loading('the history'));
  replace(body,
    h('div', { class: 'heading' }, h('h1', null, show(m.title)), h('span', { class: `badge ${m.status}` }, show(m.status))),
    h('section', { class: 'card' }, definitions([
      ['Meeting ID', h('code', null, show(m.meeting_id))], ['Starts', m.start_time], ['Ends', m.end_time],
      ['Attendees', m.attendees], ['Location', m.location],
      ['Meet link', m.meet_link ? h('a', { href: m.meet_link, rel: 'noopener noreferrer', target: '_blank' }, m.meet_link) : null],
      ['Description', m.description], ['Calendar sync', m.calendar_sync ? `${show(m.calendar_sync.status)}${m.calendar_sync.error ? ` (${m.calendar_sync.error})` : ''}` : null],
      ['Version', m.sequence], ['Created', m.created_at], ['Updated', m.updated_at],
    ])),
    cancelled ? null : changes(m, answer.etag),
    history);
  loadHistory(history, id);
}

/** Reschedule and cancel, both sent with If-Match: a meeting changed meanwhile answers 412, shown as such. */
function changes(m, etag) {
  const reschedule = form({
    label: 'Reschedule',
    submit: 'Reschedule',
    fields: [
      { name: 'start_time', label: 'New start', required: true, value: m.start_time, hint: TIME_HINT },
      { name: 'end_time', label: 'New end', required: true, value: m.end_time, hint: TIME_HINT },
      { name: 'attendees', label: 'Attendees', type: 'textarea', rows: 2, value: (m.attendees || []).join(', '), hint: 'Emails; left empty keeps them' },
      { name: 'reason', label: 'Reason', placeholder: 'meeting_rescheduled' },
    ],
    onSubmit: async (v) => {
      const body = { start_time: v.start_time, end_time: v.end_time };
      if (v.attendees) body.attendees = list(v.attendees);
      if (v.reason) body.reason = v.reason;
      await call('PUT', `/v1/meetings/${encodeURIComponent(m.meeting_id)}`, body, { ifMatch: etag });
      announce('Meeting rescheduled');
      meeting(document.getElementById('main'), m.meeting_id);
    },
  });
  const cancelError = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const cancel = confirmButton('Cancel meeting…', 'Cancel it for every attendee? This cannot be undone.', 'Yes, cancel it', async () => {
    try {
      await call('DELETE', `/v1/meetings/${encodeURIComponent(m.meeting_id)}`, undefined, { ifMatch: etag });
      announce('Meeting cancelled');
      meeting(document.getElementById('main'), m.meeting_id);
    } catch (e) {
      cancelError.textContent = `${e.message} (${e.code})`;
      cancelError.hidden = false;
    }
  });
  return h('div', { class: 'grid two' },
    h('section', { class: 'card' }, h('h2', null, 'Reschedule'), reschedule.el),
    h('section', { class: 'card' }, h('h2', null, 'Cancel'), h('p', null, 'Attendees are told; a cancelled meeting cannot change again.'), cancel, cancelError));
}

function historyTitle() {
  return h('h2', { id: 'history-title' }, 'History');
}

/** The meeting's change history (contracts-scheduling §C), oldest first; a failed page shows the API's error. */
async function loadHistory(panel, id, cursor = null, items = null) {
  let data;
  try {
    ({ data } = await call('GET', `/v1/meetings/${encodeURIComponent(id)}/events${query({ limit: 50, cursor })}`));
  } catch (e) {
    if (items) panel.append(problem(e));
    else replace(panel, historyTitle(), problem(e));
    return;
  }
  const entries = items || h('ol', { class: 'history' });
  for (const event of data.events) {
    const moved = event.data && event.data.changes;
    entries.append(h('li', null,
      h('p', null, h('strong', null, show(event.event_type)), ` · version ${show(event.sequence)} · `, h('time', null, show(event.timestamp))),
      moved ? h('p', { class: 'hint' }, `${show(moved.old_start_time)} → ${show(moved.new_start_time)}; reason: ${show(moved.reason)}`) : null));
  }
  const more = data.has_more ? h('button', { type: 'button', class: 'quiet', onclick: () => { more.remove(); loadHistory(panel, id, data.next_cursor, entries); } }, 'Show more history') : null;
  if (!items) {
    replace(panel, historyTitle(), data.events.length === 0 ? empty('No changes recorded.') : entries, more);
  } else if (more) {
    panel.append(more);
  }
}
