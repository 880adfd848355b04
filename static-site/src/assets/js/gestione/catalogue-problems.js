// What is wrong while editing a part of the catalogue ("Gestione sedi — Uffici e orari"): the
// page's own checks and the API's problems, each beside its field (aria-invalid, described by its
// message), the API's issues also listed at the top of the editor, the focus on the first.
import { esc } from '../html.js';
import { t } from '../sportello/texts.js';
import { announce, fieldError, showText } from '../sportello/ui.js';
import { issueTarget } from './catalogue-form.js';
import { problemCode } from './catalogue-history.js';
import { DAYS } from './catalogue-hours.js';

const $ = (id) => document.getElementById(id);

export function clearMarks() {
  const editor = $('editor');
  if (!editor) return;
  for (const input of editor.querySelectorAll('[aria-invalid]')) {
    for (const id of (input.getAttribute('aria-describedby') || '').split(' ')) {
      if (id.endsWith('-error') && $(id)) fieldError(input, $(id), '');
    }
  }
  for (const message of editor.querySelectorAll('.invalid-feedback')) showText(message, '');
  showText($('editor-error'), '');
}

/** Each problem ({ error, inputs, focus, message }) beside its fields; the focus on the first. */
export function mark(problem) {
  if (problem.inputs.length) for (const id of problem.inputs) fieldError($(id), $(problem.error), problem.message);
  else showText($(problem.error), problem.message);
}

export function showProblems(problems) {
  problems.forEach(mark);
  announce(t('cl_fix', problems.length));
  $(problems[0].focus)?.focus();
}

/** The name of the field an issue is about, as the form labels it. */
function issueLabel(target, field) {
  if (!target) return field;
  const day = target.error.match(/^ed-h-(\d+)-(\w+)-error$/);
  if (day && DAYS.includes(day[2])) return $(`ed-h-${day[1]}-${day[2]}-legend`)?.textContent ?? field;
  const label = target.focus && document.querySelector(`label[for="${CSS.escape(target.focus)}"]`);
  return label ? label.textContent.trim() : field;
}

/** A problem of the API while editing: its issues beside their fields and listed at the top. */
export function showEditorProblem(editing, error, { where = 'editor-error', invalidatePreview }) {
  const code = problemCode(error);
  const box = $(where) ?? $('editor-error');
  if (code === 'catalogue_changed') {
    box.innerHTML = `<p class="mb-2">${esc(error.message)}</p>
      <button type="button" class="btn btn-outline-primary btn-sm" data-reload="1">${esc(t('ca_reload'))}</button>`;
  } else if (error.issues?.length) {
    invalidatePreview();
    const form = $('editor-form');
    const items = error.issues.map((issue) => {
      const target = issueTarget(editing, issue.field, form);
      if (target) mark({ ...target, message: issue.problem });
      return `<li>${esc(issueLabel(target, issue.field))}: ${esc(issue.problem)}</li>`;
    });
    $('editor-error').innerHTML = `<p class="mb-2">${esc(error.message)}</p><ul class="mb-0">${items.join('')}</ul>`;
    $('editor-error').hidden = false;
    $('editor-error').focus();
    announce(`${error.message} ${error.issues.map((issue) => issue.problem).join('. ')}`);
    return;
  } else {
    box.textContent = error.message;
  }
  box.hidden = false;
  box.focus();
}
