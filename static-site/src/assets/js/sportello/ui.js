// What the staff pages (/sportello/, its password page, /gestione/) do alike with their markup:
// the polite live region, a message shown or hidden, a field marked wrong.

const $ = (id) => document.getElementById(id);

/** Says `message` through the polite live region #announcer (emptied first, so a repeat is said). */
export function announce(message) {
  const announcer = $('announcer');
  announcer.textContent = '';
  setTimeout(() => { announcer.textContent = message; }, 50);
}

/** Shows an element with a text, or hides it when the text is empty. */
export function showText(element, text) {
  element.textContent = text || '';
  element.hidden = !text;
}

/**
 * Marks `input` as wrong with `message` in `errorElement` (aria-invalid, described by it), or
 * clears the mark when the message is empty; its other descriptions (hints) stay.
 */
export function fieldError(input, errorElement, message) {
  showText(errorElement, message);
  input.classList.toggle('is-invalid', Boolean(message));
  if (message) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
  const describedBy = new Set((input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean));
  if (message) describedBy.add(errorElement.id);
  else describedBy.delete(errorElement.id);
  if (describedBy.size) input.setAttribute('aria-describedby', [...describedBy].join(' '));
  else input.removeAttribute('aria-describedby');
}
