// "Le mie prenotazioni": the list of a contact's bookings is sent to that contact; the page gives
// the same answer whatever the contact, so it never tells whether it has bookings.
import { api } from './api.js';
import { stopCountdown } from './countdown.js';
import { esc } from './html.js';
import { t } from './i18n.js';
import { crumbsMarkup } from './wizard/markup.js';
import { showView, views } from './wizard/session.js';

export function showMyBookings(focus) {
  showView('my');
  stopCountdown();
  document.title = `${t('my_title')} – ${t('title_suffix')}`;
  document.getElementById('my-crumbs').innerHTML = crumbsMarkup(t('my_title'), false);
  renderMyForm({});
  if (focus) views.my.querySelector('h1').focus();
}

function renderMyForm(errors, contact = '') {
  const box = document.getElementById('my-content');
  const summary = Object.keys(errors).length
    ? `<div class="alert alert-danger" role="alert" id="my-errors" tabindex="-1"><p class="mb-2"><strong>${esc(t('errors_title'))}</strong></p><ul class="mb-0">${Object.entries(errors).map(([k, v]) => `<li><a href="#${k === 'accept_terms' ? 'my-accept' : 'my-contact'}">${esc(v)}</a></li>`).join('')}</ul></div>`
    : '';
  box.innerHTML = `
    ${summary}
    <p class="lead">${esc(t('my_lead'))}</p>
    <form id="my-form" novalidate>
      <div class="form-group">
        <label for="my-contact" class="active">${esc(t('contact'))}</label>
        <input type="text" inputmode="email" class="form-control ${errors.contact ? 'is-invalid' : ''}" id="my-contact" name="contact" value="${esc(contact)}" placeholder="${esc(t('contact_placeholder'))}" autocomplete="email" required aria-required="true" ${errors.contact ? 'aria-invalid="true" aria-describedby="my-contact-error"' : ''}>
        ${errors.contact ? `<div class="invalid-feedback d-block" id="my-contact-error">${esc(errors.contact)}</div>` : ''}
      </div>
      <div class="form-check">
        <input class="form-check-input ${errors.accept_terms ? 'is-invalid' : ''}" type="checkbox" id="my-accept" name="accept" required aria-required="true" ${errors.accept_terms ? 'aria-invalid="true"' : ''} aria-describedby="my-accept-links${errors.accept_terms ? ' my-accept-error' : ''}">
        <label class="form-check-label" for="my-accept">${esc(t('accept'))}</label>
        <p class="small mt-1" id="my-accept-links">${t('accept_links')}</p>
        ${errors.accept_terms ? `<div class="invalid-feedback d-block" id="my-accept-error">${esc(errors.accept_terms)}</div>` : ''}
      </div>
      <div class="step-actions">
        <button type="submit" class="btn btn-primary">${esc(t('my_send'))}</button>
        <a class="btn btn-outline-secondary" href="/" data-home>${esc(t('back'))}</a>
      </div>
    </form>`;
}

export async function submitMyBookings(form) {
  const contact = form.elements.contact.value.trim();
  const errors = {};
  if (!contact) errors.contact = t('err_contact');
  if (!form.elements.accept.checked) errors.accept_terms = t('err_accept');
  if (!Object.keys(errors).length) {
    try {
      await api.myBookings(contact);
      return showMyDone();
    } catch (error) {
      errors[error.field === 'accept_terms' ? 'accept_terms' : 'contact'] = error.message;
    }
  }
  renderMyForm(errors, contact);
  document.getElementById('my-errors').focus();
}

/** The same answer whatever the contact: the screen never tells whether it has bookings. */
function showMyDone() {
  document.getElementById('my-content').innerHTML = `
    <div class="alert alert-success" role="status" id="my-done" tabindex="-1">
      <p class="h4">${esc(t('my_done_title'))}</p>
      <p class="mb-0">${esc(t('my_done'))}</p>
    </div>
    <a class="btn btn-primary" href="/" data-home>${esc(t('my_again'))}</a>`;
  document.getElementById('my-done').focus();
}
