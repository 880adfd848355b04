// Every text of the UI in Italian (the product's voice, from the seed) and English, plus the
// date and time formatting per language. Dates from the API are local Europe/Rome dates.
// The waiting list's texts are in i18n-waiting.js, added to these tables below.
import { WAITING_TEXTS } from './i18n-waiting.js';

const TEXTS = {
  it: {
    skip: 'Vai al contenuto principale',
    langNav: 'Lingua',
    brandTagline: 'Prenota un appuntamento agli sportelli',
    cityLink: 'Sito del Comune di Bergamo',
    home_title: 'Prenota un appuntamento',
    home_lead: 'Prenota il tuo appuntamento agli sportelli del Comune di Bergamo: scegli il servizio, la sede e l\'orario, poi conferma dal link che ricevi per e-mail o SMS.',
    home_book: 'Prenota un appuntamento',
    home_book_text: 'Scegli il servizio, la sede più comoda e il primo orario libero.',
    home_my: 'Le mie prenotazioni',
    home_my_text: 'Ricevi l\'elenco delle tue prossime prenotazioni all\'e-mail o al cellulare usati per prenotare.',
    home_how: 'Come funziona',
    home_how_1: 'Cerca il servizio e scegli la sede nella mappa o nell\'elenco.',
    home_how_2: 'Scegli l\'orario: lo teniamo per te per il tempo indicato.',
    home_how_3: 'Inserisci nome, cognome ed e-mail o cellulare, poi conferma dal link ricevuto.',
    home_how_4: 'Allo sportello mostra il codice QR o comunica il codice di prenotazione.',
    steps_label: 'Passaggi della prenotazione',
    step_names: ['Cerca servizio', 'Scegli sede', 'Scegli orario', 'Inserisci dati', 'Conferma'],
    step_done: 'completato', step_current: 'passaggio attuale',
    step_of: (n, total) => `Passo ${n} di ${total}`,
    countdown_label: 'Tempo per completare la prenotazione',
    countdown_5: 'Restano 5 minuti per completare la prenotazione.',
    countdown_1: 'Resta 1 minuto per completare la prenotazione.',
    expired: 'Il tempo per completare la prenotazione è scaduto e l\'orario è stato liberato. Scegli di nuovo un orario.',
    modify: 'Modifica', back: 'Indietro', send: 'Invia', next: 'Continua',
    chosen_service: 'Servizio scelto:',
    chosen_office: 'Hai selezionato la sede:',
    chosen_slot: 'Data e orario scelti:',
    chosen_time: (range) => `ore ${range}`,
    modify_service: 'Modifica il servizio', modify_office: 'Modifica la sede', modify_slot: 'Modifica l\'orario', modify_data: 'Modifica i dati',
    search_title: 'Cerca servizio',
    search_label: 'Cerca un servizio',
    search_hint: 'Scrivi ad esempio «carta d\'identità», «residenza» o «certificato».',
    search_count: (n) => (n === 1 ? '1 servizio trovato' : `${n} servizi trovati`),
    search_none: (q) => `Nessun servizio trovato per «${q}».`,
    search_suggest: 'Prova con una parola più generica, controlla l\'ortografia oppure scegli uno di questi:',
    search_all: 'Mostra tutti i servizi',
    minutes: (n) => `${n} minuti`,
    duration: 'Durata',
    choose_service: (name) => `Scegli ${name}`,
    office_title: 'Scegli sede',
    office_lead: 'Ora seleziona la sede nella mappa o nell\'elenco sottostante',
    map_label: 'Mappa delle sedi',
    map_failed: 'Non è stato possibile caricare la mappa. Scegli la sede dall\'elenco.',
    map_marker: (name) => `${name}: scegli questa sede`,
    geo_button: 'Usa la mia posizione',
    geo_wait: 'Ricerca della posizione…',
    geo_ok: 'Posizione trovata: le sedi mostrano la distanza da te.',
    geo_denied: 'Non è stato possibile conoscere la tua posizione. Le sedi restano ordinate per primo slot disponibile.',
    geo_note: 'La posizione è usata solo per calcolare la distanza e non viene salvata.',
    first_slot: 'Primo slot disponibile',
    date: 'Data', time: 'Ore',
    no_slot: 'Nessun orario libero nei prossimi giorni',
    choose_office: 'Scegli questa sede',
    accessibility: 'Accessibilità:',
    offices_none: 'Nessuna sede offre questo servizio al momento.',
    slot_title: 'Scegli orario',
    slot_lead: 'Ora scegli l\'orario tra quelli disponibili:',
    slot_on: (date) => `in data ${date}`,
    day_label: 'Giorno',
    day_prev: 'Giorno precedente', day_next: 'Giorno successivo',
    slots_none: 'Non ci sono orari liberi in questa sede per i prossimi giorni. Scegli un\'altra sede.',
    slot_taken: 'Questo orario è appena stato prenotato da un\'altra persona.',
    slot_next: (label) => `Prenota il primo orario libero: ${label}`,
    holding: 'Prenotazione dell\'orario in corso…',
    checking: 'Verifica in corso, un istante…',
    people_title: 'Persone',
    people_intro: (max) => `Puoi prenotare per te e per altre persone, fino a ${max} in tutto, con un solo contatto.`,
    people_quota: (perPerson, perDay, perContact) => `Ogni persona può avere al massimo ${perPerson === 1 ? '1 prenotazione attiva' : `${perPerson} prenotazioni attive`} e ${perDay === 1 ? 'una sola' : `al massimo ${perDay}`} per servizio e giorno; uno stesso contatto al massimo ${perContact}.`,
    people_count: (n) => `La prenotazione è per ${n === 1 ? '1 persona' : `${n} persone`}.`,
    people_seats: 'Se nell\'orario scelto non ci sono abbastanza sportelli liberi, le persone sono prenotate negli orari immediatamente successivi.',
    people_full: (max) => `Hai raggiunto il numero massimo di persone per una prenotazione (${max}).`,
    person_n: (i) => `Persona ${i}`,
    person_add: 'Aggiungi un\'altra persona',
    person_remove: 'Rimuovi',
    person_added: 'Persona aggiunta.',
    person_removed: 'Persona rimossa.',
    slot_lead_people: (n) => `Ora scegli l'orario tra quelli disponibili per ${n} persone:`,
    slots_none_people: (n) => `Non ci sono orari liberi per ${n} persone in questa sede nei prossimi giorni. Prenota per meno persone o scegli un'altra sede.`,
    day_moved: (from, to, n) => `Nessun orario libero ${from}${n > 1 ? ` per ${n} persone` : ''}: ecco gli orari di ${to}.`,
    not_enough_seats: (n) => `Non ci sono abbastanza sportelli liberi per ${n} persone in questo orario e in quelli immediatamente successivi. Scegli un altro orario o prenota per meno persone.`,
    details_title: 'Inserisci dati',
    details_lead: 'Inserisci la tua E-mail o il tuo numero di cellulare per ricevere la prenotazione da mostrare allo sportello.',
    required_note: 'Tutti i campi sono obbligatori, tranne le note.',
    details_lead_people: 'Inserisci nome e cognome di ogni persona, poi un solo recapito: l\'e-mail o il numero di cellulare a cui ricevere le prenotazioni da mostrare allo sportello.',
    person_legend: (i, range) => `Persona ${i}, ore ${range}`,
    err_name_n: (i) => `Scrivi il nome della persona ${i}.`,
    err_surname_n: (i) => `Scrivi il cognome della persona ${i}.`,
    modify_person: (i) => `Modifica i dati della persona ${i}`,
    name: 'Nome', surname: 'Cognome',
    contact: 'E-mail o cellulare',
    contact_hint: 'Riceverai qui il link per confermare: un\'e-mail se scrivi un indirizzo, un SMS se scrivi un numero di cellulare.',
    contact_placeholder: 'Inserisci e-mail o cellulare',
    notes: 'Note per l\'ufficio (facoltative)',
    notes_hint: 'Ad esempio se hai bisogno di assistenza. Massimo 200 caratteri.',
    notes_left: (n) => (n === 1 ? 'Resta 1 carattere' : `Restano ${n} caratteri`),
    accept: 'Accetto i termini del servizio e la Privacy Policy',
    accept_links: 'Leggi i <a href="/termini.html">termini del servizio</a> e l\'<a href="/privacy.html">informativa sulla privacy</a>.',
    errors_title: 'Correggi questi errori:',
    err_name: 'Scrivi il nome.', err_surname: 'Scrivi il cognome.',
    err_contact: 'Scrivi un indirizzo e-mail o un numero di cellulare.',
    err_accept: 'Per continuare accetta i termini del servizio e la Privacy Policy.',
    err_notes: 'Le note possono avere al massimo 200 caratteri.',
    summary_title: 'Riepilogo',
    summary_lead: 'Controlla i dati della prenotazione, poi premi «Invia».',
    s_service: 'Servizio', s_office: 'Sede', s_date: 'Data', s_time: 'Orario', s_person: 'A nome di', s_contact: 'E-mail o cellulare', s_notes: 'Note',
    sending: 'Invio in corso…',
    done_title: 'Conferma',
    done_email: 'Apri la tua casella di posta elettronica',
    done_sms: 'Apri l\'SMS che hai ricevuto',
    done_text_email: (c) => `Abbiamo inviato un'e-mail a ${c} con il link per confermare la prenotazione.`,
    done_text_sms: (c) => `Abbiamo inviato un SMS al numero ${c} con il link per confermare la prenotazione.`,
    done_deadline: (t) => `Conferma entro le ${t}: dopo, l'orario sarà liberato e la prenotazione annullata.`,
    done_note: 'Ogni prenotazione vale per una persona e ha il suo codice QR. Dopo la conferma riceverai il codice QR, le regole di accesso e cosa portare.',
    done_again: 'Prenota un altro appuntamento',
    done_people: (n) => `Hai prenotato per ${n} persone: sono ${n} prenotazioni, una per persona.`,
    done_text_email_people: (c, n) => `Abbiamo inviato un solo messaggio, un'e-mail a ${c}, con un solo link per confermare tutte le ${n} prenotazioni.`,
    done_text_sms_people: (c, n) => `Abbiamo inviato un solo messaggio, un SMS al numero ${c}, con un solo link per confermare tutte le ${n} prenotazioni.`,
    fb_title: 'Quanto è stato facile usare questo servizio?',
    fb_legend: 'Valuta da 1 a 5 stelle',
    fb_star: (n) => (n === 1 ? 'Valuta 1 stella su 5' : `Valuta ${n} stelle su 5`),
    fb_positive: 'Quali sono stati gli aspetti che hai preferito?',
    fb_negative: 'Dove hai incontrato le maggiori difficoltà?',
    fb_pos_answers: ['Le indicazioni erano chiare', 'Le indicazioni erano complete', 'Capivo sempre che stavo procedendo correttamente', 'Non ho avuto problemi tecnici', 'Altro'],
    fb_neg_answers: ['A volte le indicazioni non erano chiare', 'A volte le indicazioni non erano complete', 'A volte non capivo se stavo procedendo correttamente', 'Ho avuto problemi tecnici', 'Altro'],
    fb_more: 'Vuoi aggiungere altri dettagli? (facoltativo)',
    fb_more_hint: 'Non scrivere dati personali. Massimo 200 caratteri.',
    fb_send: 'Invia la valutazione',
    fb_thanks: 'Grazie, il tuo parere ci aiuterà a migliorare il servizio!',
    fb_pick: 'Scegli da 1 a 5 stelle.',
    my_title: 'Le mie prenotazioni',
    my_lead: 'Inserisci l\'e-mail o il numero di cellulare usato per prenotare: riceverai lì l\'elenco delle tue prossime prenotazioni, con il link a ciascuna.',
    my_send: 'Invia',
    my_done_title: 'Richiesta ricevuta',
    my_done: 'Se a questo recapito corrispondono prenotazioni future, riceverai a breve l\'elenco con il link a ciascuna. Per motivi di riservatezza questa pagina non mostra se ci sono prenotazioni.',
    my_again: 'Torna alla pagina iniziale',
    error_generic: 'Si è verificato un problema. Riprova tra qualche istante.',
    error_network: 'Impossibile contattare il servizio. Controlla la connessione e riprova.',
    loading: 'Caricamento…',
    retry: 'Riprova',
    crumbs: 'Percorso di navigazione',
    crumb_home: 'Home',
    crumb_booking: 'Prenotazione appuntamento',
    f_contacts: 'Contatti', f_address: 'Comune di Bergamo – Piazza Matteotti, 27 – 24122 Bergamo',
    f_faq: 'Leggi le FAQ', f_report: 'Segnala un disservizio', f_service: 'Il servizio', f_open_data: 'Dati aperti',
    f_about: 'Prenota è il servizio del Comune di Bergamo per prenotare un appuntamento agli sportelli. Software libero, licenza EUPL-1.2.',
    f_legal: 'Informazioni legali', f_privacy: 'Informativa privacy', f_terms: 'Termini del servizio', f_a11y: 'Dichiarazione di accessibilità',
    title_suffix: 'Prenota – Comune di Bergamo',
  },
  en: {
    skip: 'Skip to main content',
    langNav: 'Language',
    brandTagline: 'Book an appointment at the counters',
    cityLink: 'Comune di Bergamo website',
    home_title: 'Book an appointment',
    home_lead: 'Book your appointment at the counters of the Comune di Bergamo: choose the service, the office and the time, then confirm from the link you receive by e-mail or text message.',
    home_book: 'Book an appointment',
    home_book_text: 'Choose the service, the most convenient office and the first free time.',
    home_my: 'My bookings',
    home_my_text: 'Receive the list of your upcoming bookings at the e-mail address or mobile number you booked with.',
    home_how: 'How it works',
    home_how_1: 'Find the service and choose the office on the map or in the list.',
    home_how_2: 'Choose the time: we keep it for you for the time shown.',
    home_how_3: 'Enter your name, surname and e-mail or mobile number, then confirm from the link you receive.',
    home_how_4: 'At the counter, show the QR code or give the booking code.',
    steps_label: 'Booking steps',
    step_names: ['Find service', 'Choose office', 'Choose time', 'Your details', 'Confirmation'],
    step_done: 'completed', step_current: 'current step',
    step_of: (n, total) => `Step ${n} of ${total}`,
    countdown_label: 'Time left to complete the booking',
    countdown_5: '5 minutes left to complete the booking.',
    countdown_1: '1 minute left to complete the booking.',
    expired: 'The time to complete the booking has run out and the time slot has been released. Please choose a time again.',
    modify: 'Change', back: 'Back', send: 'Send', next: 'Continue',
    chosen_service: 'Chosen service:',
    chosen_office: 'You chose the office:',
    chosen_slot: 'Chosen date and time:',
    chosen_time: (range) => `at ${range}`,
    modify_service: 'Change the service', modify_office: 'Change the office', modify_slot: 'Change the time', modify_data: 'Change your details',
    search_title: 'Find service',
    search_label: 'Search for a service',
    search_hint: 'For example “identity card”, “residence” or “certificate”.',
    search_count: (n) => (n === 1 ? '1 service found' : `${n} services found`),
    search_none: (q) => `No service found for “${q}”.`,
    search_suggest: 'Try a more general word, check the spelling or choose one of these:',
    search_all: 'Show all services',
    minutes: (n) => `${n} minutes`,
    duration: 'Duration',
    choose_service: (name) => `Choose ${name}`,
    office_title: 'Choose office',
    office_lead: 'Now choose the office on the map or in the list below',
    map_label: 'Map of the offices',
    map_failed: 'The map could not be loaded. Please choose the office from the list.',
    map_marker: (name) => `${name}: choose this office`,
    geo_button: 'Use my location',
    geo_wait: 'Finding your location…',
    geo_ok: 'Location found: the offices show their distance from you.',
    geo_denied: 'Your location could not be found. The offices stay sorted by first available slot.',
    geo_note: 'Your location is used only to compute distances and is not stored.',
    first_slot: 'First available slot',
    date: 'Date', time: 'Time',
    no_slot: 'No free time in the coming days',
    choose_office: 'Choose this office',
    accessibility: 'Accessibility:',
    offices_none: 'No office offers this service at the moment.',
    slot_title: 'Choose time',
    slot_lead: 'Now choose one of the available times:',
    slot_on: (date) => `on ${date}`,
    day_label: 'Day',
    day_prev: 'Previous day', day_next: 'Next day',
    slots_none: 'There are no free times at this office in the coming days. Please choose another office.',
    slot_taken: 'Someone else has just booked this time.',
    slot_next: (label) => `Book the first free time: ${label}`,
    holding: 'Reserving the time…',
    checking: 'Checking, one moment…',
    people_title: 'People',
    people_intro: (max) => `You can book for yourself and for other people, up to ${max} in all, with one contact.`,
    people_quota: (perPerson, perDay, perContact) => `Each person can have at most ${perPerson === 1 ? '1 active booking' : `${perPerson} active bookings`} and ${perDay === 1 ? 'only one' : `at most ${perDay}`} per service and day; one contact at most ${perContact}.`,
    people_count: (n) => `The booking is for ${n === 1 ? '1 person' : `${n} people`}.`,
    people_seats: 'If the chosen time does not have enough free desks, the other people are booked at the times immediately after it.',
    people_full: (max) => `You have reached the largest number of people for one booking (${max}).`,
    person_n: (i) => `Person ${i}`,
    person_add: 'Add another person',
    person_remove: 'Remove',
    person_added: 'Person added.',
    person_removed: 'Person removed.',
    slot_lead_people: (n) => `Now choose one of the times available for ${n} people:`,
    slots_none_people: (n) => `There are no free times for ${n} people at this office in the coming days. Book for fewer people or choose another office.`,
    day_moved: (from, to, n) => `No free time on ${from}${n > 1 ? ` for ${n} people` : ''}: here are the times of ${to}.`,
    not_enough_seats: (n) => `There are not enough free desks for ${n} people at this time and the times immediately after it. Please choose another time or book for fewer people.`,
    details_title: 'Your details',
    details_lead: 'Enter your e-mail address or mobile number to receive the booking to show at the counter.',
    required_note: 'All fields are required, except the notes.',
    details_lead_people: 'Enter the name and surname of each person, then one contact: the e-mail address or mobile number where you will receive the bookings to show at the counter.',
    person_legend: (i, range) => `Person ${i}, at ${range}`,
    err_name_n: (i) => `Enter the name of person ${i}.`,
    err_surname_n: (i) => `Enter the surname of person ${i}.`,
    modify_person: (i) => `Change the details of person ${i}`,
    name: 'Name', surname: 'Surname',
    contact: 'E-mail or mobile number',
    contact_hint: 'The link to confirm will be sent here: an e-mail if you type an address, a text message if you type a mobile number.',
    contact_placeholder: 'Enter e-mail or mobile number',
    notes: 'Notes for the office (optional)',
    notes_hint: 'For example if you need assistance. At most 200 characters.',
    notes_left: (n) => (n === 1 ? '1 character left' : `${n} characters left`),
    accept: 'I accept the terms of service and the Privacy Policy',
    accept_links: 'Read the <a href="/termini.html">terms of service</a> and the <a href="/privacy.html">privacy policy</a>.',
    errors_title: 'Please correct these errors:',
    err_name: 'Enter your name.', err_surname: 'Enter your surname.',
    err_contact: 'Enter an e-mail address or a mobile number.',
    err_accept: 'To continue, accept the terms of service and the Privacy Policy.',
    err_notes: 'Notes can be at most 200 characters.',
    summary_title: 'Summary',
    summary_lead: 'Check the booking details, then press “Send”.',
    s_service: 'Service', s_office: 'Office', s_date: 'Date', s_time: 'Time', s_person: 'Booked for', s_contact: 'E-mail or mobile number', s_notes: 'Notes',
    sending: 'Sending…',
    done_title: 'Confirmation',
    done_email: 'Open your e-mail inbox',
    done_sms: 'Open the text message you received',
    done_text_email: (c) => `We sent an e-mail to ${c} with the link to confirm the booking.`,
    done_text_sms: (c) => `We sent a text message to ${c} with the link to confirm the booking.`,
    done_deadline: (t) => `Confirm by ${t}: after that, the time slot is released and the booking cancelled.`,
    done_note: 'Each booking is for one person and has its own QR code. After confirming you will receive the QR code, the access rules and what to bring.',
    done_again: 'Book another appointment',
    done_people: (n) => `You booked for ${n} people: that is ${n} bookings, one per person.`,
    done_text_email_people: (c, n) => `We sent one message, an e-mail to ${c}, with one link to confirm all ${n} bookings.`,
    done_text_sms_people: (c, n) => `We sent one message, a text message to ${c}, with one link to confirm all ${n} bookings.`,
    fb_title: 'How easy was it to use this service?',
    fb_legend: 'Rate from 1 to 5 stars',
    fb_star: (n) => (n === 1 ? 'Rate 1 star out of 5' : `Rate ${n} stars out of 5`),
    fb_positive: 'What did you like best?',
    fb_negative: 'Where did you have the most difficulty?',
    fb_pos_answers: ['The instructions were clear', 'The instructions were complete', 'I always knew I was doing it right', 'I had no technical problems', 'Other'],
    fb_neg_answers: ['Sometimes the instructions were not clear', 'Sometimes the instructions were incomplete', 'Sometimes I did not know if I was doing it right', 'I had technical problems', 'Other'],
    fb_more: 'Would you like to add anything? (optional)',
    fb_more_hint: 'Do not write personal data. At most 200 characters.',
    fb_send: 'Send your rating',
    fb_thanks: 'Thank you, your opinion will help us improve the service!',
    fb_pick: 'Choose from 1 to 5 stars.',
    my_title: 'My bookings',
    my_lead: 'Enter the e-mail address or mobile number you booked with: the list of your upcoming bookings, with a link to each, will be sent there.',
    my_send: 'Send',
    my_done_title: 'Request received',
    my_done: 'If there are upcoming bookings for this contact, you will shortly receive the list with a link to each. For your privacy, this page does not show whether there are any bookings.',
    my_again: 'Back to the home page',
    error_generic: 'Something went wrong. Please try again in a moment.',
    error_network: 'The service could not be reached. Check your connection and try again.',
    loading: 'Loading…',
    retry: 'Try again',
    crumbs: 'Breadcrumb',
    crumb_home: 'Home',
    crumb_booking: 'Appointment booking',
    f_contacts: 'Contacts', f_address: 'Comune di Bergamo – Piazza Matteotti, 27 – 24122 Bergamo, Italy',
    f_faq: 'Read the FAQ', f_report: 'Report a problem with the service', f_service: 'About the service', f_open_data: 'Open data',
    f_about: 'Prenota is the Comune di Bergamo\'s service to book an appointment at its counters. Free software, EUPL-1.2 licence.',
    f_legal: 'Legal information', f_privacy: 'Privacy policy', f_terms: 'Terms of service', f_a11y: 'Accessibility statement',
    title_suffix: 'Prenota – Comune di Bergamo',
  },
};

export const LANGS = ['it', 'en'];
for (const lang of LANGS) Object.assign(TEXTS[lang], WAITING_TEXTS[lang]);
const STORAGE_KEY = 'prenota.lang';

/** The chosen language: ?lang= wins (links from e-mails and server pages), then the remembered one. */
export function currentLang() {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  if (LANGS.includes(fromUrl)) return fromUrl;
  const stored = safeStorage(() => localStorage.getItem(STORAGE_KEY));
  return LANGS.includes(stored) ? stored : 'it';
}

export function rememberLang(lang) {
  safeStorage(() => localStorage.setItem(STORAGE_KEY, lang));
}

// Storage throws in some private modes and when cookies are blocked: the UI must still work.
function safeStorage(action) {
  try { return action(); } catch { return null; }
}

export function t(key, ...args) {
  const value = TEXTS[currentLang()][key] ?? TEXTS.it[key];
  return typeof value === 'function' ? value(...args) : value;
}

const LOCALES = { it: 'it-IT', en: 'en-GB' };
const ROME = 'Europe/Rome';

const LONG_DAY = { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' };
const SHORT_DAY = { weekday: 'short', day: 'numeric', month: 'short' };

/** `when` (a Date) formatted with these Intl.DateTimeFormat options in the chosen language. */
function format(when, options) {
  return new Intl.DateTimeFormat(LOCALES[currentLang()], options).format(when);
}

/** "venerdì 27 novembre 2026" from "2026-11-27" (a calendar date, formatted at noon UTC so no zone shifts it). */
export function formatDate(isoDate, style = 'long') {
  return format(new Date(`${isoDate}T12:00:00Z`), { ...(style === 'short' ? SHORT_DAY : LONG_DAY), timeZone: 'UTC' });
}

/** An instant (RFC 3339) as the citizen reads it in Bergamo: "23:30 di giovedì 26 novembre 2026". */
export function formatInstant(isoInstant) {
  const when = new Date(isoInstant);
  const time = format(when, { hour: '2-digit', minute: '2-digit', timeZone: ROME });
  const day = format(when, { ...LONG_DAY, timeZone: ROME });
  return currentLang() === 'it' ? `${time} di ${day}` : `${time} on ${day}`;
}

/** "850 m", "1,2 km" (it) or "1.2 km" (en): a distance in metres as the citizen reads it. */
export function formatDistance(metres) {
  if (metres < 1000) return `${metres} m`;
  return `${(metres / 1000).toLocaleString(LOCALES[currentLang()], { maximumFractionDigits: 1 })} km`;
}

export function formatRange(start, end) {
  return `${start}–${end}`;
}

/** Static markup carries data-i18n keys (text) and data-i18n-attr="attr:key" (attributes). */
export function translateStatic(root = document) {
  for (const element of root.querySelectorAll('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const element of root.querySelectorAll('[data-i18n-attr]')) {
    const [attribute, key] = element.dataset.i18nAttr.split(':');
    element.setAttribute(attribute, t(key));
  }
  // Long legal texts exist in both languages; only the chosen one is shown.
  for (const block of root.querySelectorAll('[data-lang-block]')) {
    block.hidden = block.dataset.langBlock !== currentLang();
  }
}
