// "Gestione sedi — Statistiche" (/gestione/statistiche/): a manager (their offices) or an
// administrator (every office) reads an office's figures for a period, as
// GET /api/staff/offices/{office_id}/statistics answers them: a table of the period's totals, the
// charts of bookings and of the wait by day (Chart.js, ./charts.js) and a table by day, which is
// the charts' accessible equivalent; "Scarica CSV" links the same office and period as CSV. The
// first answer, asked without a period, gives the default one (the last 30 days to the server's
// today), which fills "Dal" and "Al". Office and period are kept in the address (?office=&from=&to=)
// so that a reload shows the same. Times are in minutes. Signing in is the counter's
// (sportello/signin.js); the result moves the focus to its heading and is said by the polite
// live region.
import { initChrome } from '../chrome.js';
import { esc } from '../html.js';
import { t as siteText } from '../i18n.js';
import { fetchFile, staffApi, statisticsCsvPath, usesBearer } from '../sportello/api.js';
import { staffSignIn } from '../sportello/signin.js';
import { currentLang, formatDay, t, translate } from '../sportello/texts.js';
import { announce, fieldError, showText } from '../sportello/ui.js';
import { BARS_UP_TO, clearCharts, drawBookings, drawWait, loadChartJs } from './charts.js';
import './texts.js';
import './statistics-texts.js';

const $ = (id) => document.getElementById(id);

const MANAGING_ROLES = ['manager', 'admin'];
/** The longest period the API answers, in days counted inclusively. */
const MAX_DAYS = 366;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Each field of the form as the API names it: its input and where its message goes. */
const FIELDS = {
  office_id: { input: 'st-office', error: 'st-office-error' },
  from: { input: 'st-from', error: 'st-from-error' },
  to: { input: 'st-to', error: 'st-to-error' },
};

const S = {
  me: null,
  /** The last answer shown, and the office it is of. */
  stats: null,
  /** Bumped by each request: an older answer arriving late is dropped. */
  asked: 0,
};

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

const LOCALES = { it: 'it-IT', en: 'en-GB' };

function number(value) {
  return new Intl.NumberFormat(LOCALES[currentLang()]).format(value);
}

/** Seconds as whole minutes (rounded), or null when nothing was measured. */
function minutes(seconds) {
  return seconds === null || seconds === undefined ? null : Math.round(seconds / 60);
}

/** A measured value as a table shows it; "—" (read "non misurato") when there is none. */
function measuredCell(value) {
  if (value === null || value === undefined) {
    return `<td class="num"><span aria-hidden="true">—</span><span class="visually-hidden">${esc(t('st_not_measured'))}</span></td>`;
  }
  return `<td class="num">${esc(number(value))}</td>`;
}

function countCell(value) {
  return `<td class="num">${esc(number(value ?? 0))}</td>`;
}

/** "4 dic" / "4 Dec": the charts' days. */
function shortDay(isoDate) {
  return new Intl.DateTimeFormat(LOCALES[currentLang()], { day: 'numeric', month: 'short', timeZone: 'UTC' })
    .format(new Date(`${isoDate}T12:00:00Z`));
}

function officeName(id) {
  return S.me?.offices.find((o) => o.id === id)?.name ?? id;
}

function setTitle() {
  document.title = `${t('st_page_title')} – ${siteText('title_suffix')}`;
  const crumb = document.querySelector('[data-page-title]');
  if (crumb) crumb.textContent = t('st_page_title');
}

/** Days from `from` to `to`, both counted. */
function daysBetween(from, to) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400000) + 1;
}

// ---------------------------------------------------------------------------------------------
// Signed in
// ---------------------------------------------------------------------------------------------

function renderWho() {
  if (!S.me) return;
  $('who').textContent = t('signed_in_as', S.me.email, t('roles')[S.me.role] ?? S.me.role);
}

function renderOffices(wanted) {
  const select = $('st-office');
  const chosen = wanted ?? select.value;
  const offices = S.me?.offices || [];
  select.innerHTML = offices.map((o) => `<option value="${esc(o.id)}">${esc(o.name)}</option>`).join('');
  select.value = offices.some((o) => o.id === chosen) ? chosen : (offices[0]?.id ?? '');
}

/** Office and period of the address (?office=&from=&to=), those that are well formed. */
function fromAddress() {
  const params = new URL(location.href).searchParams;
  const date = (name) => (ISO_DATE.test(params.get(name) ?? '') ? params.get(name) : null);
  return { office: params.get('office'), from: date('from'), to: date('to') };
}

function keepInAddress(office, from, to) {
  const url = new URL(location.href);
  url.searchParams.set('office', office);
  url.searchParams.set('from', from);
  url.searchParams.set('to', to);
  history.replaceState(history.state, '', url);
}

function showStatistics(me, { focus }) {
  S.me = me;
  S.stats = null;
  renderWho();
  const manages = MANAGING_ROLES.includes(me.role);
  const offices = me.offices || [];
  $('not-manager').hidden = manages;
  $('no-office').hidden = !manages || offices.length > 0;
  $('stats-work').hidden = !manages || offices.length === 0;
  $('stats-result').hidden = true;
  showText($('stats-error'), '');
  if (focus) $('page-title').focus();
  if ($('stats-work').hidden) return;
  const asked = fromAddress();
  renderOffices(asked.office);
  clearMarks();
  $('st-from').value = asked.from ?? '';
  $('st-to').value = asked.to ?? '';
  // Without a period in the address, the API's default one (its answer fills the form).
  load($('st-office').value, asked.from, asked.to, { focus: false });
}

// ---------------------------------------------------------------------------------------------
// The form
// ---------------------------------------------------------------------------------------------

function markField(field, message) {
  const { input, error } = FIELDS[field];
  fieldError($(input), $(error), message);
}

function clearMarks() {
  for (const field of Object.keys(FIELDS)) markField(field, '');
  showText($('form-error'), '');
}

function readForm() {
  const office = $('st-office').value;
  const from = $('st-from').value;
  const to = $('st-to').value;
  const problems = [];
  if (!office) problems.push(['office_id', t('err_st_office')]);
  if (!from) problems.push(['from', t('err_st_from')]);
  if (!to) problems.push(['to', t('err_st_to')]);
  if (from && to && to < from) problems.push(['to', t('err_st_order')]);
  else if (from && to && daysBetween(from, to) > MAX_DAYS) problems.push(['to', t('err_st_long')]);
  return { office, from, to, problems };
}

function showProblems(problems) {
  for (const [field, message] of problems) markField(field, message);
  announce(t('st_fix', problems.length));
  $(FIELDS[problems[0][0]].input).focus();
}

function onSubmit(event) {
  event.preventDefault();
  clearMarks();
  const { office, from, to, problems } = readForm();
  if (problems.length) {
    showProblems(problems);
    return;
  }
  load(office, from, to, { focus: true });
}

// ---------------------------------------------------------------------------------------------
// Asking and showing
// ---------------------------------------------------------------------------------------------

async function load(office, from, to, { focus }) {
  const asked = ++S.asked;
  const button = $('st-show');
  button.disabled = true;
  $('stats-loading').hidden = false;
  showText($('stats-error'), '');
  announce(t('st_loading'));
  try {
    const stats = await staffApi.statistics(office, from, to);
    if (asked !== S.asked) return;
    S.stats = stats;
    $('st-from').value = stats.from;
    $('st-to').value = stats.to;
    keepInAddress(stats.office_id, stats.from, stats.to);
    await render();
    $('stats-result').hidden = false;
    if (focus) $('result-title').focus();
    announce(t('st_result_said', officeName(stats.office_id), formatDay(stats.from), formatDay(stats.to), totals(stats.by_day).booked));
  } catch (error) {
    if (asked !== S.asked || error.status === 401) return;
    // What is shown would no longer be of the period in the form.
    $('stats-result').hidden = true;
    if (error.field && FIELDS[error.field]) {
      showProblems([[error.field, error.message]]);
    } else {
      showText($('stats-error'), error.message);
      $('stats-error').focus();
    }
  } finally {
    if (asked === S.asked) {
      button.disabled = false;
      $('stats-loading').hidden = true;
    }
  }
}

const COUNTS = ['offered', 'booked', 'walk_ins', 'confirmed', 'cancelled', 'displaced', 'checked_in', 'served', 'no_shows'];

/** The period's sums of the daily counts, and the worst day of each measured time. */
function totals(days) {
  const sum = Object.fromEntries(COUNTS.map((name) => [name, 0]));
  const worst = (pick) => {
    const values = days.map(pick).filter((v) => v !== null && v !== undefined);
    return values.length ? Math.max(...values) : null;
  };
  for (const day of days) for (const name of COUNTS) sum[name] += day[name] ?? 0;
  return {
    ...sum,
    days: days.length,
    waits: days.reduce((n, d) => n + (d.wait?.count ?? 0), 0),
    services: days.reduce((n, d) => n + (d.service_time?.count ?? 0), 0),
    worstWaitMedian: worst((d) => d.wait?.median_s),
    worstWaitP90: worst((d) => d.wait?.p90_s),
    worstServiceMedian: worst((d) => d.service_time?.median_s),
    furthestFree: worst((d) => d.first_free?.max_days),
    full: days.reduce((n, d) => n + (d.first_free?.full ?? 0), 0),
  };
}

function percent(part, whole) {
  if (!whole) return null;
  return new Intl.NumberFormat(LOCALES[currentLang()], { style: 'percent', maximumFractionDigits: 1 }).format(part / whole);
}

function renderSummary(stats, sum) {
  const rows = [
    ['st_sum_days', sum.days],
    ['st_sum_offered', sum.offered],
    ['st_sum_booked', sum.booked],
    ['st_sum_walk_ins', sum.walk_ins, 'sub'],
    ['st_sum_cancelled', sum.cancelled],
    ['st_sum_displaced', sum.displaced],
    ['st_sum_confirmed', sum.confirmed],
    ['st_sum_checked_in', sum.checked_in],
    ['st_sum_served', sum.served],
    ['st_sum_no_shows', sum.no_shows],
  ];
  const html = rows.map(([key, value, kind]) => `
    <tr data-measure="${esc(key)}"${kind ? ` class="is-${kind}"` : ''}><th scope="row">${esc(t(key))}</th>${countCell(value)}</tr>`);
  const rate = percent(sum.no_shows, sum.confirmed);
  html.push(`<tr data-measure="st_sum_no_show_rate"><th scope="row">${esc(t('st_sum_no_show_rate'))}</th><td class="num">${rate === null
    ? `<span aria-hidden="true">—</span><span class="visually-hidden">${esc(t('st_not_measured'))}</span>` : esc(rate)}</td></tr>`);
  const measured = [
    ['st_sum_waits', sum.waits, true],
    ['st_sum_wait_worst_median', minutes(sum.worstWaitMedian)],
    ['st_sum_wait_worst_p90', minutes(sum.worstWaitP90)],
    ['st_sum_services', sum.services, true],
    ['st_sum_service_worst_median', minutes(sum.worstServiceMedian)],
    ['st_sum_first_free_worst', sum.furthestFree],
    ['st_sum_first_free_full', sum.full, true],
  ];
  for (const [key, value, count] of measured) {
    html.push(`<tr data-measure="${esc(key)}"><th scope="row">${esc(t(key))}</th>${count ? countCell(value) : measuredCell(value)}</tr>`);
  }
  $('summary-caption').textContent = t('st_summary_caption', officeName(stats.office_id), formatDay(stats.from), formatDay(stats.to));
  $('summary-body').innerHTML = html.join('');
}

function renderDays(stats) {
  $('days-caption').textContent = t('st_days_caption', officeName(stats.office_id));
  $('days-body').innerHTML = stats.by_day.map((day) => `
    <tr data-date="${esc(day.date)}">
      <th scope="row" class="nowrap">${esc(formatDay(day.date))}</th>
      ${countCell(day.offered)}${countCell(day.booked)}${countCell(day.walk_ins)}${countCell(day.cancelled)}${countCell(day.displaced)}
      ${countCell(day.checked_in)}${countCell(day.served)}${countCell(day.no_shows)}
      ${measuredCell(minutes(day.wait?.median_s))}${measuredCell(minutes(day.wait?.p90_s))}
      ${measuredCell(minutes(day.service_time?.median_s))}${measuredCell(day.first_free?.median_days)}
    </tr>`).join('');
}

function renderRatings(stats) {
  const days = stats.ratings || [];
  const byGrade = [0, 0, 0, 0, 0];
  for (const day of days) (day.by_grade || []).forEach((n, i) => { byGrade[i] += n; });
  const count = byGrade.reduce((a, b) => a + b, 0);
  $('ratings-block').hidden = count === 0;
  if (!count) return;
  const mean = byGrade.reduce((sum, n, i) => sum + n * (i + 1), 0) / count;
  const rows = byGrade.map((n, i) => `<tr><th scope="row">${esc(t('st_grade', i + 1))}</th>${countCell(n)}</tr>`);
  rows.push(`<tr><th scope="row">${esc(t('st_ratings_mean'))}</th><td class="num">${esc(new Intl.NumberFormat(LOCALES[currentLang()], { maximumFractionDigits: 2 }).format(mean))}</td></tr>`);
  $('ratings-body').innerHTML = rows.join('');
}

/** What each canvas says to who cannot see it (role="img"): a summary; the table has the rest. */
function chartLabels(stats, sum) {
  const days = stats.by_day;
  const peak = days.reduce((best, d) => (d.booked > (best?.booked ?? 0) ? d : best), null);
  $('chart-bookings').setAttribute('aria-label', t('st_chart_bookings_label', days.length <= BARS_UP_TO, days.length, sum.booked, sum.cancelled,
    sum.no_shows, sum.served, peak ? formatDay(peak.date) : '', peak?.booked ?? 0));
  const medians = days.map((d) => minutes(d.wait?.median_s)).filter((m) => m !== null);
  const p90s = days.map((d) => minutes(d.wait?.p90_s)).filter((m) => m !== null);
  $('chart-wait').setAttribute('aria-label', t('st_chart_wait_label', medians.length > 0,
    medians.length ? Math.min(...medians) : 0, medians.length ? Math.max(...medians) : 0, p90s.length ? Math.max(...p90s) : 0));
}

async function renderCharts(stats) {
  try {
    const Chart = await loadChartJs();
    drawBookings(Chart, stats.by_day, shortDay, {
      booked: t('st_series_booked'), cancelled: t('st_series_cancelled'), noShows: t('st_series_no_shows'),
      served: t('st_series_served'), axis: t('st_axis_people'),
    });
    drawWait(Chart, stats.by_day, shortDay, minutes, {
      median: t('st_series_wait_median'), p90: t('st_series_wait_p90'), axis: t('st_axis_minutes'),
    });
    $('charts-failed').hidden = true;
  } catch {
    $('charts-failed').hidden = false;
  }
}

async function render() {
  const stats = S.stats;
  if (!stats) return;
  const office = officeName(stats.office_id);
  $('result-title').textContent = t('st_result_title', office, formatDay(stats.from), formatDay(stats.to));
  const csv = $('csv-link');
  csv.href = statisticsCsvPath(stats.office_id, stats.from, stats.to);
  csv.setAttribute('download', `prenota-${stats.office_id}-${stats.from}-${stats.to}.csv`);
  const empty = stats.by_day.length === 0;
  $('stats-none').hidden = !empty;
  $('stats-data').hidden = empty;
  if (empty) {
    clearCharts();
    return;
  }
  const sum = totals(stats.by_day);
  renderSummary(stats, sum);
  renderDays(stats);
  renderRatings(stats);
  chartLabels(stats, sum);
  await renderCharts(stats);
}

/** On AWS the session is a bearer token a link cannot carry: the file is fetched, then saved. */
async function onCsvClick(event) {
  if (!usesBearer()) return; // one machine: the session cookie goes with the link
  event.preventDefault();
  const link = event.currentTarget;
  try {
    const blob = await fetchFile(link.getAttribute('href'));
    const url = URL.createObjectURL(blob);
    const save = document.createElement('a');
    save.href = url;
    save.download = link.getAttribute('download') || 'prenota.csv';
    document.body.append(save);
    save.click();
    save.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (error) {
    if (error.status === 401) return;
    showText($('stats-error'), `${t('st_csv_failed')} ${error.message}`);
    $('stats-error').focus();
  }
}

// ---------------------------------------------------------------------------------------------
// Language and start
// ---------------------------------------------------------------------------------------------

async function onLanguage() {
  translate();
  setTitle();
  renderWho();
  if (!S.me) return;
  await render();
}

function bind() {
  $('period-form').addEventListener('submit', onSubmit);
  $('csv-link').addEventListener('click', onCsvClick);
  document.addEventListener('prenota:lang', onLanguage);
}

const signIn = staffSignIn({
  view: 'view-statistics',
  onSignedIn: showStatistics,
  onSignedOut: () => {
    S.me = null;
    S.stats = null;
    S.asked += 1;
    clearCharts();
  },
});
initChrome();
translate();
setTitle();
bind();
signIn.start();
