//! Every word the pages say, Italian and English side by side so a translation is reviewed on one line.
//!
//! Texts are plain text (the pages escape them). `{name}` marks where a value goes; see [`fill`].

use prenota_core::catalogue::Lang;
pub(crate) use prenota_core::texts::fill;

prenota_core::texts! {
    /// The pages' texts in one language.
    pub(crate) struct Texts;
    /// The texts of `lang`.
    pub(crate) fn texts;

    // The title of every page ends with this.
    title_suffix: "Prenota – Comune di Bergamo", "Prenota – Comune di Bergamo";

    // The booking summary.
    label_service: "Servizio", "Service";
    label_office: "Sede", "Office";
    label_address: "Indirizzo", "Address";
    label_date: "Data", "Date";
    label_time: "Orario", "Time";
    label_name: "A nome di", "Booked for";
    label_household: "Persone della prenotazione", "People in this booking";

    // GET /w/{code}: a place on the waiting list.
    waiting_title: "Lista d'attesa", "Waiting list";
    waiting_lead: "Avvisami se si libera un posto.", "Tell me when a slot becomes free.";
    waiting_summary_heading: "Cosa aspetti", "What you are waiting for";
    label_offices: "Sedi", "Offices";
    label_days: "Giorni", "Days";
    waiting_days: "dal {from} al {to}", "from {from} to {to}";
    waiting_confirm_by: "Per entrare nella lista, conferma l'iscrizione entro le {deadline}.",
        "To join the list, confirm your place by {deadline}.";
    waiting_confirm_button: "Conferma l'iscrizione", "Confirm my place";
    waiting_on_list: "Sei in lista d'attesa: quando si libera un posto che ti va bene, potresti riceverlo \
                      in un messaggio.",
        "You are on the waiting list: when a suitable slot becomes free, you may be offered it in a message.";
    waiting_offered: "Ti abbiamo offerto un posto: trovi il link nel messaggio che ti abbiamo inviato.",
        "A slot has been offered to you: the link is in the message we sent you.";
    waiting_leave_button: "Esci dalla lista d'attesa", "Leave the waiting list";
    waiting_not_on_list: "Non sei in lista d'attesa per questa richiesta.",
        "You are not on the waiting list for this request.";
    waiting_confirmed: "Iscrizione confermata: sei in lista d'attesa.", "Place confirmed: you are on the waiting list.";
    waiting_left: "Sei uscito dalla lista d'attesa.", "You have left the waiting list.";
    waiting_too_many: "Sei già in lista d'attesa per {cap} richieste, il massimo: esci da una di esse per \
                       confermare questa.",
        "You are already on the waiting list for {cap} requests, the most allowed: leave one of them to confirm \
         this one.";
    waiting_how: "Ogni posto che si libera viene offerto per sorteggio a uno di chi è in lista, e tenuto per \
                  lui per un tempo indicato (più lungo per e-mail che per SMS); se non lo prenota, passa al \
                  prossimo, e solo dopo torna libero per tutti.",
        "Each slot that becomes free is offered by a draw to one of those on the list and held for them for a \
         stated time (longer by e-mail than by SMS); if they do not book it, it goes to the next one, and only \
         then is it free for everyone.";

    // GET /c/{code}.
    confirm_title: "Conferma la prenotazione", "Confirm your booking";
    confirm_intro: "La prenotazione non è ancora registrata. Controlla i dati e premi «Conferma prenotazione».",
        "Your booking is not final yet. Check the details and press “Confirm booking”.";
    confirm_deadline: "Hai tempo fino alle {deadline}. Dopo, l'orario sarà liberato e dovrai prenotare di nuovo.",
        "You have until {deadline}. After that, the time slot will be released and you will need to book again.";
    confirm_summary_heading: "Dati della prenotazione", "Booking details";
    confirm_button: "Conferma prenotazione", "Confirm booking";
    confirm_not_you: "Se non hai chiesto tu questa prenotazione, ignora il messaggio: senza conferma non sarà registrata.",
        "If you did not ask for this booking, ignore the message: without confirmation nothing is booked.";

    // GET /p/{code}, and the answer to POST /c/{code}.
    booking_title: "La tua prenotazione", "Your booking";
    confirmed_notice_title: "Prenotazione confermata", "Booking confirmed";
    confirmed_notice_text: "La prenotazione è registrata. Il link a questa pagina è nel messaggio che hai ricevuto.",
        "Your booking is registered. The link to this page is in the message you received.";
    pass_heading: "Da mostrare allo sportello", "Show this at the counter";
    qr_caption: "Mostra il codice QR all'operatore oppure comunica il codice di prenotazione.",
        "Show the QR code to the clerk, or read out the booking code.";
    short_code_label: "Codice di prenotazione", "Booking code";
    qr_label: "Codice QR da mostrare allo sportello", "QR code to show at the counter";
    one_person: "La prenotazione vale per una sola persona.", "The booking is valid for one person only.";
    details_heading: "Dettagli dell'appuntamento", "Appointment details";
    map_link: "Vedi la sede sulla mappa (OpenStreetMap)", "See the office on the map (OpenStreetMap)";
    before_heading: "Prima dell'appuntamento", "Before your appointment";
    service_terms_heading: "Condizioni del servizio", "Terms of the service";
    access_heading: "Regole di accesso", "Access rules";
    bring_heading: "Cosa portare", "What to bring";
    actions_heading: "Altre azioni", "More actions";
    calendar_link: "Aggiungi al calendario", "Add to calendar";
    print_hint: "Per stampare la prenotazione usa il comando «Stampa» del tuo browser.",
        "To print this booking, use your browser's “Print” command.";
    new_booking: "Prenota un altro appuntamento", "Book another appointment";
    reconfirm_title: "Confermi che verrai?", "Will you come?";
    displaced_title: "L'ufficio è chiuso all'ora del tuo appuntamento", "The office is closed at the time of your appointment";
    displaced_text: "Ci scusiamo per il disagio. Scegli un nuovo orario: hai la precedenza sugli altri cittadini. \
                     Se non ti serve più, annulla la prenotazione qui sotto.",
        "We are sorry for the inconvenience. Choose a new time: you go ahead of other citizens. If you no \
         longer need it, cancel the booking below.";
    displaced_reason: "Motivo: {reason}", "Reason: {reason}";
    displaced_button: "Scegli un nuovo orario", "Choose a new time";
    displaced_reopened: "l'ufficio ha cambiato l'orario di apertura", "the office changed its opening hours";
    reconfirm_text: "Premi «Confermo che verrò» entro le {deadline}: senza conferma la prenotazione sarà \
                     annullata e l'orario liberato per altri cittadini. Se non puoi venire, annullala qui sotto.",
        "Press “I will come” by {deadline}: without confirmation the booking will be cancelled and the time \
         slot released for other citizens. If you cannot come, cancel it below.";
    reconfirm_button: "Confermo che verrò", "I will come";
    reconfirmed_notice_title: "Grazie, ti aspettiamo", "Thank you, see you then";
    reconfirmed_notice_text: "Hai confermato che verrai: la prenotazione resta valida.",
        "You have confirmed that you will come: the booking stands.";
    move_heading: "Sposta l'appuntamento", "Move the appointment";
    move_intro: "Puoi scegliere un altro giorno o un altro orario per lo stesso servizio nella stessa sede: \
                 l'orario attuale resta tuo finché non confermi quello nuovo.",
        "You can choose another day or time for the same service at the same office: your current time \
         stays yours until you confirm the new one.";
    move_button: "Sposta appuntamento", "Move appointment";
    moved_notice_title: "Appuntamento spostato", "Appointment moved";
    moved_notice_text: "Il nuovo orario è registrato e quello di prima è libero per altri cittadini. Allo \
                        sportello mostra il nuovo codice QR qui sotto: ti abbiamo inviato anche un messaggio.",
        "The new time is registered and the previous one is free for other citizens. At the counter, show the \
         new QR code below: we have also sent you a message.";

    // GET /p/{code}/move: choosing the new day and time.
    move_title: "Sposta l'appuntamento", "Move the appointment";
    move_lead: "Scegli il nuovo giorno e il nuovo orario, poi premi «Invia». Fino ad allora resta valido \
                l'appuntamento attuale.",
        "Choose the new day and time, then press “Send”. Until then your current appointment stands.";
    move_current_heading: "Appuntamento attuale", "Current appointment";
    move_days_heading: "Giorni con orari liberi", "Days with free times";
    move_times_heading: "Orari liberi di {date}", "Free times on {date}";
    move_time_legend: "Nuovo orario", "New time";
    move_none: "Nessun orario libero nei prossimi giorni.", "No free time in the coming days.";
    move_send: "Invia", "Send";
    move_back: "Indietro", "Back";
    move_too_late: "L'appuntamento è troppo vicino per spostarlo: puoi ancora annullarlo dalla pagina della \
                    prenotazione.",
        "The appointment is too close to be moved: you can still cancel it from the booking page.";
    move_taken: "Questo orario non è più libero: scegline un altro.",
        "This time is no longer free: please choose another.";
    move_same_day: "Con questo contatto c'è già una prenotazione per lo stesso servizio in quel giorno: scegli \
                    un altro giorno.",
        "This contact already has a booking for the same service on that day: please choose another day.";
    move_invalid: "Scegli un giorno e un orario tra quelli proposti.", "Please choose a day and time from those offered.";

    cancel_heading: "Annulla la prenotazione", "Cancel the booking";
    cancel_intro: "Se non puoi venire, annulla la prenotazione: l'orario tornerà disponibile per altre persone.",
        "If you cannot come, cancel the booking so that the time slot is free for someone else.";
    cancel_button: "Annulla prenotazione", "Cancel booking";

    // POST /p/{code}/cancel, first step.
    cancel_confirm_title: "Vuoi annullare la prenotazione?", "Do you want to cancel your booking?";
    cancel_confirm_intro: "L'annullamento è definitivo: l'orario tornerà disponibile per altre persone.",
        "Cancelling cannot be undone: the time slot will become available to other people.";
    cancel_confirm_button: "Sì, annulla la prenotazione", "Yes, cancel the booking";
    cancel_keep: "No, mantieni la prenotazione", "No, keep the booking";

    // POST /p/{code}/cancel, second step.
    cancelled_title: "Prenotazione annullata", "Booking cancelled";
    cancelled_intro: "Hai annullato questa prenotazione:", "You have cancelled this booking:";
    cancelled_free: "L'orario è di nuovo disponibile per altre persone. Il codice QR della prenotazione non è più valido.",
        "The time slot is free again for other people. The booking's QR code is no longer valid.";

    // A link to a booking that can no longer change.
    already_cancelled_text: "Questa prenotazione è stata annullata.", "This booking was cancelled.";
    started_title: "Appuntamento già iniziato", "Appointment already started";
    started_text: "Non è più possibile annullare questa prenotazione: l'appuntamento è già iniziato.",
        "This booking can no longer be cancelled: the appointment has already started.";
    unavailable_title: "Servizio non disponibile", "Service unavailable";

    // 410: the confirmation window has closed.
    expired_title: "Tempo per la conferma scaduto", "The time to confirm has run out";
    expired_text: "Il tempo per confermare la prenotazione è terminato: l'orario è stato liberato e la prenotazione non è stata registrata.",
        "The time to confirm this booking has run out: the time slot has been released and nothing was booked.";
    expired_again: "Puoi scegliere di nuovo il servizio e un orario libero.",
        "You can choose the service and a free time slot again.";
    book_again: "Prenota di nuovo", "Book again";

    // 404: no booking behind this link.
    not_found_title: "Link non valido", "This link is not valid";
    not_found_text: "Il link che hai aperto non corrisponde a nessuna prenotazione. Forse è incompleto o contiene un errore: alcune app per gli SMS spezzano i link lunghi.",
        "The link you opened does not match any booking. It may be incomplete or mistyped: some SMS apps cut long links.";
    not_found_retry: "Prova ad aprirlo di nuovo dal messaggio ricevuto, oppure copialo per intero nella barra degli indirizzi del browser.",
        "Try opening it again from the message you received, or copy all of it into your browser's address bar.";
    not_found_mine: "Per ricevere di nuovo i link alle tue prenotazioni, apri «Le mie prenotazioni» e inserisci l'e-mail o il numero di cellulare che hai usato.",
        "To receive the links to your bookings again, open “My bookings” and enter the e-mail address or mobile number you used.";
    my_bookings: "Le mie prenotazioni", "My bookings";

    // Generic pages.
    home: "Torna alla pagina iniziale", "Back to the home page";
}

/// Every text as `(key, italian, english)`, for the tests that check the translations.
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str, &str)] = Texts::ALL;

/// The header's and footer's words, by the `data-i18n` keys of the site's partials
/// (`static-site/src/partials/`), which every page shares: the same words as the site's `i18n.js`.
pub(crate) const CHROME: &[(&str, &str, &str)] = &[
    ("skip", "Vai al contenuto principale", "Skip to main content"),
    ("langNav", "Lingua", "Language"),
    (
        "cityLink",
        "Sito del Comune di Bergamo",
        "Comune di Bergamo website",
    ),
    (
        "brandTagline",
        "Prenota un appuntamento agli sportelli",
        "Book an appointment at the counters",
    ),
    ("f_contacts", "Contatti", "Contacts"),
    (
        "f_address",
        "Comune di Bergamo – Piazza Matteotti, 27 – 24122 Bergamo",
        "Comune di Bergamo – Piazza Matteotti, 27 – 24122 Bergamo, Italy",
    ),
    ("f_faq", "Leggi le FAQ", "Read the FAQ"),
    (
        "f_report",
        "Segnala un disservizio",
        "Report a problem with the service",
    ),
    ("home_my", "Le mie prenotazioni", "My bookings"),
    ("f_service", "Il servizio", "About the service"),
    (
        "f_about",
        "Prenota è il servizio del Comune di Bergamo per prenotare un appuntamento agli sportelli. Software libero, licenza EUPL-1.2.",
        "Prenota is the Comune di Bergamo's service to book an appointment at its counters. Free software, EUPL-1.2 licence.",
    ),
    ("f_legal", "Informazioni legali", "Legal information"),
    ("f_privacy", "Informativa privacy", "Privacy policy"),
    ("f_terms", "Termini del servizio", "Terms of service"),
    ("f_open_data", "Dati aperti", "Open data"),
    (
        "f_a11y",
        "Dichiarazione di accessibilità",
        "Accessibility statement",
    ),
];

/// A header or footer text in `lang`.
pub(crate) fn chrome_text(key: &str, lang: Lang) -> Option<&'static str> {
    CHROME
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, it, en)| match lang {
            Lang::It => *it,
            Lang::En => *en,
        })
}
