// "Dati aperti" (/open-data/): an information page (page.js: the language switch shows the
// article in the chosen language) with a month picker in each article. Without JavaScript the
// picker is a plain GET form (…/appointments.csv?month=YYYY-MM, or .json from its second button);
// with it, the month starts at the current one (Bergamo's), no later month can be chosen, and the
// addresses of the chosen month's CSV and JSON are shown as links to copy or follow.
import './page.js';

const API = '/api/open-data/appointments';
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** This month in Bergamo, YYYY-MM. */
function currentMonth() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome', year: 'numeric', month: '2-digit' })
    .format(new Date())
    .slice(0, 7);
}

function monthLinks(form) {
  const month = form.querySelector('input[name="month"]').value;
  const links = form.querySelector('[data-open-data-links]');
  const valid = MONTH.test(month);
  links.hidden = !valid;
  for (const link of form.querySelectorAll('[data-od-format]')) {
    link.href = valid ? `${API}.${link.dataset.odFormat}?month=${month}` : `${API}.${link.dataset.odFormat}`;
  }
}

for (const form of document.querySelectorAll('[data-open-data-month]')) {
  const input = form.querySelector('input[name="month"]');
  const month = currentMonth();
  input.max = month;
  if (!input.value) input.value = month;
  input.addEventListener('input', () => monthLinks(form));
  input.addEventListener('change', () => monthLinks(form));
  monthLinks(form);
}
