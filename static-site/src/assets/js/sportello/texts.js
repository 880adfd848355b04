// Every text of the staff pages (the counter and "choose a password") in Italian and English, in
// the wizard's way: a table per language, t(key, …args), and static markup that names its texts
// with data-t="key" (text) and data-t-attr="attribute:key". The header and footer keep the
// wizard's data-i18n keys (chrome.js translates them); the language is the wizard's one
// (?lang=, then localStorage "prenota.lang", else Italian). Another staff page (/gestione/) adds
// its own texts to these tables with addTexts(), and reads them with the same t().
import { currentLang } from '../i18n.js';

const TEXTS = {
  it: {
    page_title: 'Sportello',
    password_title: 'Scegli la password',
    loading: 'Caricamento…',
    // Signing in
    signin_title: 'Accedi allo sportello',
    signin_lead: 'Area riservata al personale del Comune di Bergamo.',
    email: 'E-mail di lavoro',
    password: 'Password',
    signin: 'Accedi',
    signin_cognito: 'Accedi con l\'account del Comune',
    signing_in: 'Accesso in corso…',
    err_email: 'Scrivi l\'e-mail.',
    err_password: 'Scrivi la password.',
    signed_in_as: (email, role) => `Hai effettuato l'accesso come ${email} (${role})`,
    roles: { operator: 'operatore', manager: 'responsabile', admin: 'amministratore' },
    signout: 'Esci',
    closures_link: 'Chiusure delle sedi',
    statistics_link: 'Statistiche delle sedi',
    signed_out: 'Sei uscito dallo sportello.',
    session_gone: 'La sessione è scaduta: accedi di nuovo.',
    cognito_failed: 'L\'accesso non è riuscito. Riprova.',
    // Office and desk
    place_title: 'Sede e sportello',
    office: 'Sede',
    desk: 'Sportello',
    desk_hint: 'Il numero o il nome mostrato nella sala d\'attesa, ad esempio 3 o B2.',
    no_office: 'Il tuo account non ha sedi assegnate. Rivolgiti all\'amministratore.',
    err_desk: 'Scrivi lo sportello (al massimo 12 lettere o cifre).',
    // Check-in
    checkin_title: 'Registra arrivo',
    checkin_label: 'Codice QR o codice di prenotazione',
    checkin_hint: 'Scrivi il codice di 8 caratteri (ad esempio K7MX-4QPR) oppure usa il lettore di codici a barre.',
    checkin_button: 'Registra arrivo',
    scan_button: 'Scansiona con la fotocamera',
    scan_stop: 'Chiudi la fotocamera',
    scan_video: 'Immagine della fotocamera',
    scan_starting: 'Avvio della fotocamera…',
    scan_looking: 'Inquadra il codice QR della prenotazione.',
    scan_denied: 'Non è stato possibile usare la fotocamera. Scrivi il codice di prenotazione.',
    scan_unsupported: 'Questo browser non permette di usare la fotocamera. Scrivi il codice di prenotazione.',
    err_checkin_empty: 'Scrivi il codice di prenotazione o inquadra il codice QR.',
    err_checkin_format: 'Non è un codice di prenotazione: sono 8 caratteri, ad esempio K7MX-4QPR.',
    sig_valid: 'Firma valida, stato da verificare',
    sig_invalid: 'Firma non valida: il codice QR è stato alterato o non è stato emesso dal Comune.',
    sig_malformed: 'Questo codice QR non è un codice di Prenota.',
    sig_unverifiable: 'Non è stato possibile verificare la firma in questo browser: stato da verificare.',
    sig_other_office: 'Attenzione: la prenotazione è per un\'altra sede.',
    sig_booking: (code, date, time) => `Prenotazione ${code}, ${date} alle ${time}`,
    checking_state: 'Verifica dello stato in corso…',
    checked_in: (ticket) => `Arrivo registrato. Biglietto ${ticket}`,
    state_unknown_offline: 'Impossibile contattare il servizio: lo stato della prenotazione non è verificato.',
    // Calls
    call_title: 'Chiamata',
    call_next: 'Chiama il prossimo',
    recall: 'Richiama',
    put_back: 'Rimetti in coda',
    served: 'Servito',
    no_show: 'Non presentato',
    nobody_waiting: 'Nessuno in attesa.',
    current_none: 'Nessun cittadino in chiamata a questo sportello.',
    current_label: 'In chiamata a questo sportello',
    called: (ticket, desk) => `Chiamato il biglietto ${ticket} allo sportello ${desk}.`,
    recalled: (ticket, desk) => `Richiamato il biglietto ${ticket} allo sportello ${desk}.`,
    put_back_done: (ticket) => `Il biglietto ${ticket} è di nuovo in coda.`,
    served_done: (code) => `Prenotazione ${code}: servito.`,
    no_show_done: (code) => `Prenotazione ${code}: non presentato.`,
    // Walk-ins
    walkin_open: 'Utente senza prenotazione',
    walkin_title: 'Utente senza prenotazione',
    walkin_lead: 'Prenota il primo orario libero da adesso e registra subito l\'arrivo. Nome e recapito sono facoltativi.',
    service: 'Servizio',
    name: 'Nome (facoltativo)',
    surname: 'Cognome (facoltativo)',
    contact: 'E-mail o cellulare (facoltativo)',
    details: 'Note (facoltative)',
    walkin_submit: 'Registra e dai il biglietto',
    walkin_cancel: 'Annulla',
    walkin_done: (ticket, time) => `Biglietto ${ticket}, orario ${time}.`,
    walkin_ticket: 'Biglietto',
    err_service: 'Scegli il servizio.',
    services_failed: 'Non è stato possibile caricare i servizi della sede.',
    // Agenda
    agenda_title: 'Agenda del giorno',
    agenda_date: 'Giorno',
    agenda_filter: 'Stato',
    agenda_all: 'Tutti',
    agenda_search: 'Cerca per codice',
    agenda_caption: (office, date) => `Prenotazioni di ${office}, ${date}`,
    agenda_count: (shown, all) => (all === 1 ? `${shown} prenotazione su 1` : `${shown} prenotazioni su ${all}`),
    agenda_none: 'Nessuna prenotazione corrisponde ai filtri.',
    agenda_updated: (time) => `Aggiornata alle ${time}`,
    agenda_refresh: 'Aggiorna',
    agenda_failed: 'Non è stato possibile aggiornare l\'agenda.',
    col_time: 'Ora', col_code: 'Codice', col_person: 'Persona', col_service: 'Servizio', col_state: 'Stato',
    col_ticket: 'Biglietto', col_desk: 'Sportello', col_actions: 'Azioni',
    walk_in_mark: 'senza prenotazione',
    hidden_person: 'dati non disponibili',
    checkin_row: 'Registra arrivo',
    no_show_row: 'Non presentato',
    states: {
      confirmed: 'Prenotato', checked_in: 'Arrivato', called: 'Chiamato',
      served: 'Servito', no_show: 'Non presentato', cancelled: 'Annullato', displaced: 'Sede chiusa',
    },
    table_region: 'Tabella delle prenotazioni, scorrevole',
    // Choosing a password
    pw_lead: 'Scegli la password del tuo account dello sportello. Il link vale 24 ore e una sola volta.',
    pw_new: 'Nuova password',
    pw_again: 'Ripeti la password',
    pw_hint: 'Almeno 12 caratteri. Una frase lunga è facile da ricordare e difficile da indovinare.',
    pw_submit: 'Salva la password',
    pw_short: 'La password deve avere almeno 12 caratteri.',
    pw_mismatch: 'Le due password non coincidono.',
    pw_no_code: 'Il link è incompleto: apri il link completo ricevuto oppure chiedi un nuovo link all\'amministratore.',
    pw_done: 'Password salvata. Ora puoi accedere allo sportello.',
    pw_go: 'Vai allo sportello',
    errors_title: 'Correggi questi errori:',
    error_generic: 'Si è verificato un problema. Riprova tra qualche istante.',
    error_network: 'Impossibile contattare il servizio. Controlla la connessione e riprova.',
    retry: 'Riprova',
  },
  en: {
    page_title: 'Counter',
    password_title: 'Choose your password',
    loading: 'Loading…',
    signin_title: 'Sign in to the counter',
    signin_lead: 'For the staff of the Comune di Bergamo only.',
    email: 'Work e-mail',
    password: 'Password',
    signin: 'Sign in',
    signin_cognito: 'Sign in with your Comune account',
    signing_in: 'Signing in…',
    err_email: 'Enter your e-mail.',
    err_password: 'Enter your password.',
    signed_in_as: (email, role) => `Signed in as ${email} (${role})`,
    roles: { operator: 'operator', manager: 'manager', admin: 'administrator' },
    signout: 'Sign out',
    closures_link: 'Office closures',
    statistics_link: 'Office statistics',
    signed_out: 'You have signed out of the counter.',
    session_gone: 'Your session has expired: please sign in again.',
    cognito_failed: 'Signing in did not succeed. Please try again.',
    place_title: 'Office and desk',
    office: 'Office',
    desk: 'Desk',
    desk_hint: 'The number or name shown in the waiting room, for example 3 or B2.',
    no_office: 'Your account has no office assigned. Please ask the administrator.',
    err_desk: 'Enter the desk (at most 12 letters or digits).',
    checkin_title: 'Check in',
    checkin_label: 'QR code or booking code',
    checkin_hint: 'Type the 8-character code (for example K7MX-4QPR) or use the barcode reader.',
    checkin_button: 'Check in',
    scan_button: 'Scan with the camera',
    scan_stop: 'Close the camera',
    scan_video: 'Camera picture',
    scan_starting: 'Starting the camera…',
    scan_looking: 'Point the camera at the booking\'s QR code.',
    scan_denied: 'The camera could not be used. Type the booking code instead.',
    scan_unsupported: 'This browser cannot use the camera. Type the booking code instead.',
    err_checkin_empty: 'Type the booking code or scan the QR code.',
    err_checkin_format: 'This is not a booking code: it has 8 characters, for example K7MX-4QPR.',
    sig_valid: 'Valid signature, state being checked',
    sig_invalid: 'Invalid signature: the QR code was altered or not issued by the Comune.',
    sig_malformed: 'This QR code is not a Prenota code.',
    sig_unverifiable: 'The signature could not be verified in this browser: state being checked.',
    sig_other_office: 'Warning: the booking is for another office.',
    sig_booking: (code, date, time) => `Booking ${code}, ${date} at ${time}`,
    checking_state: 'Checking the state…',
    checked_in: (ticket) => `Checked in. Ticket ${ticket}`,
    state_unknown_offline: 'The service could not be reached: the booking\'s state is not checked.',
    call_title: 'Calling',
    call_next: 'Call the next one',
    recall: 'Call again',
    put_back: 'Put back in the queue',
    served: 'Served',
    no_show: 'No-show',
    nobody_waiting: 'Nobody is waiting.',
    current_none: 'Nobody is being called to this desk.',
    current_label: 'Being called to this desk',
    called: (ticket, desk) => `Ticket ${ticket} called to desk ${desk}.`,
    recalled: (ticket, desk) => `Ticket ${ticket} called again to desk ${desk}.`,
    put_back_done: (ticket) => `Ticket ${ticket} is back in the queue.`,
    served_done: (code) => `Booking ${code}: served.`,
    no_show_done: (code) => `Booking ${code}: no-show.`,
    walkin_open: 'Visitor without a booking',
    walkin_title: 'Visitor without a booking',
    walkin_lead: 'Books the first free time from now and checks the visitor in at once. Name and contact are optional.',
    service: 'Service',
    name: 'Name (optional)',
    surname: 'Surname (optional)',
    contact: 'E-mail or mobile number (optional)',
    details: 'Notes (optional)',
    walkin_submit: 'Book and give the ticket',
    walkin_cancel: 'Cancel',
    walkin_done: (ticket, time) => `Ticket ${ticket}, time ${time}.`,
    walkin_ticket: 'Ticket',
    err_service: 'Choose the service.',
    services_failed: 'The office\'s services could not be loaded.',
    agenda_title: 'The day\'s agenda',
    agenda_date: 'Day',
    agenda_filter: 'State',
    agenda_all: 'All',
    agenda_search: 'Search by code',
    agenda_caption: (office, date) => `Bookings at ${office}, ${date}`,
    agenda_count: (shown, all) => (all === 1 ? `${shown} of 1 booking` : `${shown} of ${all} bookings`),
    agenda_none: 'No booking matches the filters.',
    agenda_updated: (time) => `Updated at ${time}`,
    agenda_refresh: 'Refresh',
    agenda_failed: 'The agenda could not be refreshed.',
    col_time: 'Time', col_code: 'Code', col_person: 'Person', col_service: 'Service', col_state: 'State',
    col_ticket: 'Ticket', col_desk: 'Desk', col_actions: 'Actions',
    walk_in_mark: 'without a booking',
    hidden_person: 'details not available',
    checkin_row: 'Check in',
    no_show_row: 'No-show',
    states: {
      confirmed: 'Booked', checked_in: 'Checked in', called: 'Called',
      served: 'Served', no_show: 'No-show', cancelled: 'Cancelled', displaced: 'Office closed',
    },
    table_region: 'Table of the bookings, scrollable',
    pw_lead: 'Choose the password of your counter account. The link is valid for 24 hours and once only.',
    pw_new: 'New password',
    pw_again: 'Repeat the password',
    pw_hint: 'At least 12 characters. A long sentence is easy to remember and hard to guess.',
    pw_submit: 'Save the password',
    pw_short: 'The password must have at least 12 characters.',
    pw_mismatch: 'The two passwords are not the same.',
    pw_no_code: 'The link is incomplete: open the whole link you received or ask the administrator for a new one.',
    pw_done: 'Password saved. You can now sign in to the counter.',
    pw_go: 'Go to the counter',
    errors_title: 'Please correct these errors:',
    error_generic: 'Something went wrong. Please try again in a moment.',
    error_network: 'The service could not be reached. Check your connection and try again.',
    retry: 'Try again',
  },
};

export { currentLang };

/** Adds a page's own texts ({ it: {…}, en: {…} }) to the tables. */
export function addTexts(more) {
  for (const lang of Object.keys(TEXTS)) Object.assign(TEXTS[lang], more[lang]);
}

export function t(key, ...args) {
  const value = TEXTS[currentLang()][key] ?? TEXTS.it[key];
  return typeof value === 'function' ? value(...args) : value;
}

/** Static markup names its texts with data-t="key" and data-t-attr="attribute:key". */
export function translate(root = document) {
  for (const element of root.querySelectorAll('[data-t]')) element.textContent = t(element.dataset.t);
  for (const element of root.querySelectorAll('[data-t-attr]')) {
    for (const pair of element.dataset.tAttr.split(',')) {
      const [attribute, key] = pair.split(':');
      element.setAttribute(attribute, t(key));
    }
  }
}

const LOCALES = { it: 'it-IT', en: 'en-GB' };

/** "ven 4 dic 2026" from "2026-12-04" (a calendar date: formatted at noon UTC, no zone shift). */
export function formatDay(isoDate) {
  return new Intl.DateTimeFormat(LOCALES[currentLang()], {
    weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC',
  }).format(new Date(`${isoDate}T12:00:00Z`));
}

/** HH:MM in Bergamo of an instant (a Date or RFC 3339 text). */
export function formatClock(instant) {
  return new Intl.DateTimeFormat(LOCALES[currentLang()], {
    hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Rome',
  }).format(new Date(instant));
}

/** Today's date in Bergamo, YYYY-MM-DD. */
export function todayInRome() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome', year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date());
}

/** K7MX4QPR → K7MX-4QPR, the way the booking page prints it. */
export function spacedCode(code) {
  const plain = String(code ?? '').replace(/[\s-]/g, '').toUpperCase();
  return plain.length === 8 ? `${plain.slice(0, 4)}-${plain.slice(4)}` : plain;
}
