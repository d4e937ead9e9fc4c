import { h, uid, announce } from './dom.js';

/**
 * A labelled form. fields: [{name, label, type?, value?, hint?, options?, required?, ...}];
 * types: text (default), email, url, number, password, textarea, select, checkbox, checkboxes.
 * onSubmit(values) returns a promise; an ApiError it throws is shown next to the field it names
 * (attendees[1] and attendees.email belong to "attendees"), else next to defaultField, else above the button.
 */
export function form({ label, fields, submit, onSubmit, className, defaultField }) {
  const controls = new Map();
  const errors = new Map();
  const formError = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const button = h('button', { type: 'submit' }, submit);
  const el = h('form', { class: className || 'stack', 'aria-label': label, novalidate: true, method: 'post' });
  for (const field of fields) {
    const { row, control, error } = fieldRow(field);
    controls.set(field.name, { field, control });
    errors.set(field.name, error);
    el.append(row);
  }
  el.append(formError, h('div', { class: 'actions' }, button));

  function clear() {
    formError.hidden = true;
    formError.textContent = '';
    for (const [name, error] of errors) {
      error.hidden = true;
      error.textContent = '';
      const { control } = controls.get(name);
      if (control.removeAttribute) control.removeAttribute('aria-invalid');
    }
  }

  function values() {
    const out = {};
    for (const [name, { field, control }] of controls) out[name] = read(field, control);
    return out;
  }

  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear();
    button.disabled = true;
    el.setAttribute('aria-busy', 'true');
    try {
      await onSubmit(values());
    } catch (e) {
      showError(e);
    } finally {
      button.disabled = false;
      el.removeAttribute('aria-busy');
    }
  });

  function showError(e) {
    const text = e.code ? `${e.message} (${e.code})` : e.message;
    const name = e.field ? e.field.split(/[.[]/)[0] : defaultField;
    if (name && errors.has(name)) {
      const error = errors.get(name);
      error.textContent = text;
      error.hidden = false;
      const { control } = controls.get(name);
      if (control.setAttribute) control.setAttribute('aria-invalid', 'true');
      if (control.focus) control.focus();
    } else {
      formError.textContent = text;
      formError.hidden = false;
    }
    announce(text);
  }

  return { el, values, showError, clear };
}

function fieldRow(field) {
  const id = uid(field.name.replace(/[^a-z0-9]/gi, '-'));
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [field.hint ? hintId : null, errorId].filter(Boolean).join(' ');
  const error = h('p', { class: 'field-error', id: errorId, hidden: true });
  const hint = field.hint ? h('p', { class: 'hint', id: hintId }, field.hint) : null;
  let control;
  if (field.type === 'checkboxes') {
    control = h('fieldset', { class: 'choices', 'aria-describedby': describedBy },
      h('legend', null, field.label),
      field.options.map((option) => {
        const optionId = uid(id);
        return h('span', { class: 'choice' },
          h('input', { type: 'checkbox', id: optionId, value: option, checked: (field.value || []).includes(option) }),
          h('label', { for: optionId }, option));
      }));
    return { row: h('div', { class: 'field' }, control, hint, error), control, error };
  }
  if (field.type === 'checkbox') {
    control = h('input', { type: 'checkbox', id, checked: !!field.value, 'aria-describedby': describedBy });
    return { row: h('div', { class: 'field check' }, control, h('label', { for: id }, field.label), hint, error), control, error };
  }
  const common = { id, required: field.required, 'aria-describedby': describedBy, placeholder: field.placeholder, autocomplete: field.autocomplete || 'off' };
  if (field.type === 'textarea') {
    control = h('textarea', { ...common, rows: field.rows || 3 });
    control.value = field.value == null ? '' : String(field.value);
  } else if (field.type === 'select') {
    control = h('select', common, field.options.map(([value, text]) => h('option', { value, selected: value === (field.value ?? '') }, text)));
  } else {
    control = h('input', { ...common, type: field.type || 'text', min: field.min, max: field.max, spellcheck: 'false' });
    control.value = field.value == null ? '' : String(field.value);
  }
  return { row: h('div', { class: 'field' }, h('label', { for: id }, field.label), control, hint, error), control, error };
}

function read(field, control) {
  if (field.type === 'checkboxes') return [...control.querySelectorAll('input:checked')].map((c) => c.value);
  if (field.type === 'checkbox') return control.checked;
  return control.value.trim();
}

/** "a@x.com, b@x.com" or one per line → a list. */
export function list(text) {
  return text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

/** A whole number from a field, or the text itself when it is not one, so that the API names the field. */
export function number(text) {
  return /^-?\d+$/.test(text) ? Number(text) : text;
}

/** An RFC 3339 time one day ahead at the next full hour, in this browser's offset (a starting value). */
export function suggestedStart() {
  const d = new Date(Date.now() + 24 * 3600 * 1000);
  d.setMinutes(0, 0, 0);
  const pad = (n) => String(Math.abs(n)).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const offset = off === 0 ? 'Z' : `${off > 0 ? '+' : '-'}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:00:00${offset}`;
}
