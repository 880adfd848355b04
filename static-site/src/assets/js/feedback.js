// The Designers Italia rating component ("Quanto è stato facile usare questo servizio?"), with the
// data-element markers the Modello Comuni conformity checker reads. The rating is anonymous: only
// the stars and an optional reason (≤ 200 characters) go to POST /api/feedback.
import { api } from './api.js';
import { t } from './i18n.js';
import { esc } from './html.js';

const STAR = '<svg class="icon icon-sm" aria-hidden="true"><use href="/assets/svg/sprites.svg#it-star-full"></use></svg>';

function starsMarkup() {
  // Bootstrap Italia's .rating floats the labels right: the inputs go from 5 down to 1.
  return [5, 4, 3, 2, 1].map((n) => `
    <input type="radio" id="fb-star-${n}" name="fb-rating" value="${n}">
    <label class="full rating-star" for="fb-star-${n}" data-element="feedback-rate-${n}">${STAR}<span class="visually-hidden">${esc(t('fb_star', n))}</span></label>`).join('');
}

function answersMarkup(kind, answers) {
  return answers.map((answer, i) => `
    <div class="form-check">
      <input class="form-check-input" type="radio" name="fb-answer" id="fb-${kind}-${i}" value="${esc(answer)}">
      <label class="form-check-label" for="fb-${kind}-${i}" data-element="feedback-rating-answer">${esc(answer)}</label>
    </div>`).join('');
}

export function feedbackMarkup() {
  return `
  <section class="cmp-rating card shadow card-wrapper p-4 mt-5" data-element="feedback" aria-labelledby="fb-title">
    <h2 class="h4" id="fb-title" data-element="feedback-title">${esc(t('fb_title'))}</h2>
    <form id="feedback-form" novalidate>
      <fieldset class="rating" id="fb-stars">
        <legend class="visually-hidden">${esc(t('fb_legend'))}</legend>
        ${starsMarkup()}
      </fieldset>
      <div class="clearfix"></div>
      <div id="fb-more" hidden>
        <fieldset class="mt-3" data-element="feedback-rating-positive" id="fb-positive" hidden>
          <legend class="h5" data-element="feedback-rating-question">${esc(t('fb_positive'))}</legend>
          ${answersMarkup('pos', t('fb_pos_answers'))}
        </fieldset>
        <fieldset class="mt-3" data-element="feedback-rating-negative" id="fb-negative" hidden>
          <legend class="h5" data-element="feedback-rating-question">${esc(t('fb_negative'))}</legend>
          ${answersMarkup('neg', t('fb_neg_answers'))}
        </fieldset>
        <div class="form-group mt-4">
          <label for="fb-text" class="active">${esc(t('fb_more'))}</label>
          <input type="text" class="form-control" id="fb-text" maxlength="200" data-element="feedback-input-text" aria-describedby="fb-text-hint">
          <small id="fb-text-hint" class="form-text">${esc(t('fb_more_hint'))}</small>
        </div>
        <button type="submit" class="btn btn-primary">${esc(t('fb_send'))}</button>
      </div>
      <p id="fb-status" class="mt-3 mb-0" role="status"></p>
    </form>
  </section>`;
}

/** Shows the follow-up question that fits the stars: what went well (4–5) or what did not (1–3). */
function showFollowUp(form, rating) {
  form.querySelector('#fb-more').hidden = false;
  const positive = rating >= 4;
  form.querySelector('#fb-positive').hidden = !positive;
  form.querySelector('#fb-negative').hidden = positive;
  for (const input of form.querySelectorAll('input[name="fb-answer"]')) input.checked = false;
}

function reasonOf(form) {
  const answer = form.querySelector('input[name="fb-answer"]:checked')?.value ?? '';
  const text = form.querySelector('#fb-text').value.trim();
  return [answer, text].filter(Boolean).join(': ').slice(0, 200);
}

async function sendFeedback(form) {
  const status = form.querySelector('#fb-status');
  const rating = Number(form.querySelector('input[name="fb-rating"]:checked')?.value);
  if (!rating) {
    status.textContent = t('fb_pick');
    return;
  }
  try {
    await api.feedback(rating, reasonOf(form));
    form.querySelector('#fb-stars').disabled = true;
    form.querySelector('#fb-more').hidden = true;
    status.textContent = t('fb_thanks');
  } catch (error) {
    status.textContent = error.message;
  }
}

export function bindFeedback(root) {
  const form = root.querySelector('#feedback-form');
  if (!form) return;
  form.addEventListener('change', (event) => {
    if (event.target.name === 'fb-rating') showFollowUp(form, Number(event.target.value));
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    sendFeedback(form);
  });
}
