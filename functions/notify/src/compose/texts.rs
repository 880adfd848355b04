//! Every word of every message, Italian and English side by side.
//!
//! SMS texts must stay within GSM-7 and carry `{url}`; the names in them (`{service}`, `{office}`)
//! are shortened to fit one segment, the rest is never touched. Each `_sms_short` text is what is
//! sent when even the shortest names do not fit.

prenota_core::texts! {
    /// The messages' texts in one language.
    pub(super) struct Texts;
    /// The messages' texts in `lang`.
    pub(super) fn texts;

    // The opening of every e-mail, with the person's name or without it.
    greeting_named: "Gentile {name},", "Dear {name},";
    greeting: "Buongiorno,", "Hello,";

    // The summary of a booking, and what several messages share.
    label_booking_code: "Codice prenotazione", "Booking code";
    label_code: "Codice", "Code";
    label_service: "Servizio", "Service";
    label_office: "Sede", "Office";
    label_date: "Data", "Date";
    label_time: "Orario", "Time";
    label_person: "Persona {n}", "Person {n}";
    sms_household: "{when}, {people} persone", "{when}, {people} people";
    bring_heading: "Cosa portare", "What to bring";
    view_booking: "Vedi la prenotazione", "View the booking";
    new_booking: "Nuova prenotazione", "New booking";

    // confirmation_request: the link to confirm and the deadline.
    confirm_sms: "{brand}: conferma {service}, {office}, {when} entro le {deadline}: {url}",
        "{brand}: confirm {service}, {office}, {when} by {deadline}: {url}";
    confirm_sms_short: "Conferma entro le {deadline}: {url}", "Confirm by {deadline}: {url}";
    confirm_subject: "Conferma la prenotazione", "Confirm your booking";
    confirm_intro: "hai chiesto di prenotare un appuntamento. Per completare la prenotazione, confermala \
                    entro le {deadline}.",
        "you asked to book an appointment. To complete the booking, please confirm it by {deadline}.";
    confirm_button: "Conferma la prenotazione", "Confirm the booking";
    confirm_summary_heading: "Riepilogo", "Summary";
    confirm_in_time: "Se non confermi entro questo termine, la richiesta viene annullata e l'orario torna \
                      disponibile per altri cittadini.",
        "If you do not confirm in time, the request is cancelled and the time slot is released for other \
         citizens.";
    confirm_not_you: "Se non hai fatto tu questa richiesta, ignora questo messaggio: senza conferma non \
                      viene registrata alcuna prenotazione.",
        "If you did not make this request, please ignore this message: without confirmation nothing is \
         booked.";

    // booking_confirmed: the QR code, the short code and everything to know before going.
    confirmed_sms: "{brand}, confermato: {service}, {office}, {when}. Codice {code}: {url}",
        "{brand}, confirmed: {service}, {office}, {when}. Code {code}: {url}";
    confirmed_sms_short: "Confermato, codice {code}: {url}", "Confirmed, code {code}: {url}";
    confirmed_subject: "Prenotazione confermata", "Booking confirmed";
    confirmed_intro_qr: "la tua prenotazione è confermata. Allo sportello mostra il codice QR qui sotto \
                         oppure comunica il codice di prenotazione {code}.",
        "your booking is confirmed. At the counter, show the QR code below or give the booking code {code}.";
    // When the check-in token does not fit in a QR code.
    confirmed_intro_no_qr: "la tua prenotazione è confermata. Allo sportello comunica il codice di \
                            prenotazione {code}.",
        "your booking is confirmed. At the counter, give the booking code {code}.";
    // booking_moved: the same, at the new time, with the new QR code.
    moved_sms: "{brand}, spostato: {service}, {office}, {when}. Codice {code}: {url}",
        "{brand}, moved: {service}, {office}, {when}. Code {code}: {url}";
    moved_sms_short: "Spostato, codice {code}: {url}", "Moved, code {code}: {url}";
    moved_subject: "Appuntamento spostato", "Appointment moved";
    moved_intro_qr: "il tuo appuntamento è stato spostato alla data e all'orario qui sotto; quello di prima è \
                     libero per altri cittadini. Allo sportello mostra il nuovo codice QR qui sotto oppure \
                     comunica il codice di prenotazione {code}.",
        "your appointment has been moved to the date and time below; the previous one is free for other \
         citizens. At the counter, show the new QR code below or give the booking code {code}.";
    moved_intro_no_qr: "il tuo appuntamento è stato spostato alla data e all'orario qui sotto; quello di \
                        prima è libero per altri cittadini. Allo sportello comunica il codice di \
                        prenotazione {code}.",
        "your appointment has been moved to the date and time below; the previous one is free for other \
         citizens. At the counter, give the booking code {code}.";
    qr_alt: "Codice QR della prenotazione {code}", "QR code of booking {code}";
    qr_note: "Il codice QR è allegato a questa e-mail (qr.png) ed è visibile anche nella pagina della \
              prenotazione.",
        "The QR code is attached to this e-mail (qr.png) and is also shown on the booking page.";
    access_heading: "Regole di accesso", "Access rules";
    terms_heading: "Termini del servizio", "Terms of the service";
    confirmed_page: "Dalla pagina della prenotazione puoi rivedere i dettagli, aggiungere l'appuntamento al \
                     calendario o annullarlo. In allegato trovi anche il file per il calendario \
                     (prenota.ics).",
        "From the booking page you can see the details, add the appointment to your calendar or cancel it. \
         The calendar file (prenota.ics) is also attached.";
    confirmed_one_person: "Ogni prenotazione vale per una sola persona. Se non puoi venire, annulla la \
                           prenotazione: l'orario tornerà disponibile per altri cittadini.",
        "Each booking is for one person only. If you cannot come, please cancel the booking so that the time \
         slot is released for other citizens.";

    // household_confirmed: one message for everyone of a household booking.
    household_confirmed_sms: "{brand}, confermato: {service}, {office}, {when}. Codici e QR: {url}",
        "{brand}, confirmed: {service}, {office}, {when}. Codes and QR: {url}";
    household_confirmed_sms_short: "Confermate {people} prenotazioni: {url}", "{people} bookings confirmed: {url}";
    household_confirmed_subject: "Prenotazioni confermate", "Bookings confirmed";
    household_confirmed_intro: "le prenotazioni per {people} persone sono confermate. Allo sportello ogni \
                                persona mostra il proprio codice QR qui sotto oppure comunica il proprio \
                                codice di prenotazione.",
        "the bookings for {people} people are confirmed. At the counter, each person shows their own QR code \
         below or gives their own booking code.";
    household_qr_note: "Il codice QR è visibile anche nella pagina della prenotazione di questa persona.",
        "The QR code is also shown on this person's booking page.";
    household_view_booking: "Prenotazione di {name}", "Booking of {name}";

    // reconfirm_request: "Confermi che verrai?", some days before; the answer is a button on the page.
    reconfirm_sms: "{brand}: confermi {when}, {service}, {office}? Entro il {deadline}, o il posto si libera: {url}",
        "{brand}: coming {when}, {service}, {office}? Confirm by {deadline} or the slot is freed: {url}";
    reconfirm_sms_short: "Confermi {when}? Entro il {deadline}: {url}", "Coming {when}? Confirm by {deadline}: {url}";
    reconfirm_subject: "Confermi che verrai?", "Will you come?";
    reconfirm_intro: "hai un appuntamento il {date} alle ore {time}. Confermi che verrai? Premi «Confermo che \
                      verrò» nella pagina della prenotazione entro {deadline}: senza conferma la prenotazione \
                      sarà annullata e l'orario liberato per altri cittadini.",
        "you have an appointment on {date} at {time}. Will you come? Press “I will come” on the booking page \
         by {deadline}: without confirmation the booking will be cancelled and the time slot released for \
         other citizens.";
    reconfirm_button: "Vai alla conferma", "Go and confirm";
    reconfirm_cannot: "Se non puoi venire, annulla la prenotazione dalla stessa pagina.",
        "If you cannot come, please cancel the booking from the same page.";

    // released_notice: no answer by the deadline.
    released_sms: "{brand}: senza conferma, la prenotazione {code} ({service}, {when}) è stata annullata. \
                   Per prenotare: {url}",
        "{brand}: not confirmed, booking {code} ({service}, {when}) was cancelled. To book: {url}";
    released_sms_short: "Prenotazione {code} annullata: non confermata. {url}",
        "Booking {code} cancelled: not confirmed. {url}";
    released_subject: "Prenotazione annullata per mancata conferma", "Booking cancelled: not confirmed";
    released_intro: "non avendo ricevuto la conferma entro il termine, la prenotazione {code} è stata annullata \
                     e l'orario è tornato disponibile per altri cittadini.",
        "as no confirmation came by the deadline, booking {code} has been cancelled and the time slot is \
         available again for other citizens.";

    // displaced_notice: the office closed at the booking's time.
    displaced_sms: "{brand}: ci scusiamo, {office} è chiuso {when}: appuntamento {code} da spostare. \
                    Scegli un nuovo orario: {url}",
        "{brand}: we are sorry, {office} is closed {when}: booking {code} must move. Choose a new time: {url}";
    displaced_sms_short: "Ufficio chiuso {when}. Scegli un nuovo orario: {url}",
        "Office closed {when}. Choose a new time: {url}";
    displaced_subject: "Ufficio chiuso: scegli un nuovo orario", "Office closed: please choose a new time";
    displaced_intro: "ci scusiamo: l'ufficio sarà chiuso all'ora del tuo appuntamento {code} e non potrà \
                      riceverti.",
        "we are sorry: the office will be closed at the time of your appointment {code} and cannot see you.";
    displaced_reason: "Motivo: {reason}", "Reason: {reason}";
    displaced_choose: "Puoi scegliere subito un nuovo orario, con la precedenza sugli altri cittadini, oppure \
                       annullare la prenotazione, dalla pagina della prenotazione.",
        "You can choose a new time straight away, ahead of other citizens, or cancel the booking, from the \
         booking's page.";
    displaced_button: "Scegli un nuovo orario", "Choose a new time";

    // waiting_confirm: the link that confirms a place on the waiting list.
    label_offices: "Sedi", "Offices";
    label_days: "Giorni", "Days";
    waiting_days: "dal {from} al {to}", "from {from} to {to}";
    waiting_confirm_sms: "{brand}: conferma la lista d'attesa {service} dal {from} al {to} entro il {deadline}: {url}",
        "{brand}: confirm the waiting list {service} {from}-{to} by {deadline}: {url}";
    waiting_confirm_sms_short: "Conferma la lista d'attesa entro il {deadline}: {url}",
        "Confirm the waiting list by {deadline}: {url}";
    waiting_confirm_subject: "Conferma l'iscrizione alla lista d'attesa", "Confirm your place on the waiting list";
    waiting_confirm_intro: "hai chiesto di essere avvisato se si libera un posto. Per entrare nella lista \
                            d'attesa, conferma entro {deadline}.",
        "you asked to be told when a slot becomes free. To join the waiting list, please confirm by {deadline}.";
    waiting_confirm_button: "Conferma l'iscrizione", "Confirm my place";
    waiting_how: "Quando si libera un posto, lo offriamo per sorteggio a uno di chi è in lista e lo teniamo \
                  per lui per un tempo indicato nel messaggio. Dalla stessa pagina puoi uscire dalla lista.",
        "When a slot becomes free, it is offered by a draw to one of those on the list and held for them for \
         the time the message states. You can leave the list from the same page.";

    // waiting_offer: a freed seat held for the citizen.
    waiting_offer_sms: "{brand}: si è liberato {when}, {service}, {office}. Tenuto per te fino al {deadline}: {url}",
        "{brand}: {when} is free, {service}, {office}. Yours until {deadline}: {url}";
    waiting_offer_sms_short: "Posto libero {when}, tuo fino al {deadline}: {url}",
        "Slot free {when}, yours until {deadline}: {url}";
    waiting_offer_subject: "Si è liberato un posto", "A slot is free";
    waiting_offer_intro: "si è liberato un posto per cui eri in lista d'attesa. Lo teniamo per te fino a \
                          {deadline}: completa la prenotazione entro quell'ora.",
        "a slot you were waiting for is free. We hold it for you until {deadline}: complete the booking by then.";
    waiting_offer_button: "Prenota questo posto", "Book this slot";
    waiting_offer_pass: "Se non ti serve, non fare nulla: allo scadere il posto passa a un altro cittadino in \
                         lista e tu resti in lista per i prossimi.",
        "If you do not need it, do nothing: when the time is up the slot goes to another citizen on the list, \
         and you stay on the list for the next ones.";

    // cancellation_notice.
    cancelled_sms: "{brand}: annullata la prenotazione {code} ({service}, {office}, {when}). Per prenotare \
                    di nuovo: {url}",
        "{brand}: booking {code} cancelled ({service}, {office}, {when}). To book again: {url}";
    cancelled_sms_short: "Prenotazione {code} annullata. {url}", "Booking {code} cancelled. {url}";
    cancelled_subject: "Prenotazione annullata", "Booking cancelled";
    cancelled_intro: "la prenotazione {code} è stata annullata.", "booking {code} has been cancelled.";
    cancelled_free: "L'orario è di nuovo disponibile per altri cittadini. Se hai ancora bisogno del \
                     servizio, puoi fare una nuova prenotazione.",
        "The time slot is available again for other citizens. If you still need the service, you can make a \
         new booking.";

    // quota_notice: details refused by a quota, told on the contact's own channel.
    quota_sms: "{brand}: prenotazione {service} {when} non registrata, {rule}. Le tue prenotazioni: {url}",
        "{brand}: booking {service} {when} not made, {rule}. Your bookings: {url}";
    quota_sms_short: "Prenotazione non registrata, {rule}: {url}", "Booking not made, {rule}: {url}";
    quota_rule_active_short: "{person} ha già {max} prenotazioni attive", "{person} already has {max} active bookings";
    quota_rule_day_short: "{person} ha già questo servizio quel giorno", "{person} already has this service that day";
    quota_rule_contact_short: "questo contatto ha già {max} prenotazioni attive",
        "this contact already has {max} active bookings";
    quota_subject: "Prenotazione non registrata", "Booking not made";
    quota_intro: "la prenotazione che hai chiesto non è stata registrata e l'orario è stato liberato.",
        "the booking you asked for was not made, and the time slot has been released.";
    quota_active: "Per {person} ci sono già {max} prenotazioni attive, il numero massimo consentito per \
                   persona. Per prenotarne un'altra, annulla prima una di quelle che non servono più.",
        "{person} already has {max} active bookings, the most allowed per person. To book another one, first \
         cancel one that is no longer needed.";
    quota_service_day: "Per {person} c'è già una prenotazione per lo stesso servizio nello stesso giorno: ne è \
                        consentita una sola per persona.",
        "{person} already has a booking for the same service on the same day: only one per person is allowed.";
    quota_contact_active: "Con questo indirizzo o numero ci sono già {max} prenotazioni attive, il numero \
                           massimo consentito per un contatto, anche per più persone. Per prenotarne un'altra, \
                           annulla prima una di quelle che non servono più.",
        "This address or number already has {max} active bookings, the most allowed for one contact, even for \
         several people. To book another one, first cancel one that is no longer needed.";
    quota_mine: "Le mie prenotazioni", "My bookings";
    quota_not_you: "Se non hai chiesto tu questa prenotazione, ignora questo messaggio: non è cambiato nulla.",
        "If you did not ask for this booking, please ignore this message: nothing has changed.";

    // reminder: the day before.
    reminder_sms: "{brand}: promemoria {when}, {service}, {office}. Info o disdetta: {url}",
        "{brand}: reminder {when}, {service}, {office}. Details or cancel: {url}";
    reminder_sms_short: "Promemoria {when}: {url}", "Reminder {when}: {url}";
    reminder_subject: "Promemoria appuntamento di {date}", "Appointment reminder, {date}";
    reminder_intro: "ti ricordiamo l'appuntamento di {date} alle ore {time}. Allo sportello mostra il codice \
                     QR ricevuto con la conferma oppure comunica il codice di prenotazione {code}.",
        "this is a reminder of your appointment on {date} at {time}. At the counter, show the QR code you \
         received with the confirmation or give the booking code {code}.";
    reminder_cancel: "Se non puoi venire, annulla la prenotazione dalla stessa pagina: l'orario tornerà \
                      disponibile per altri cittadini.",
        "If you cannot come, please cancel the booking from the same page so that the time slot is released \
         for other citizens.";

    // bookings_list. By SMS: the only booking, the first of several, or booking {index} of {total}.
    list_sms_none: "{brand}: non risultano prenotazioni future. Per prenotare: {url}",
        "{brand}: there are no upcoming bookings. To book: {url}";
    list_sms_only: "{brand}: la tua prenotazione: {when} {service}, {office}: {url}",
        "{brand}: your booking: {when} {service}, {office}: {url}";
    list_sms_first: "{brand}: hai {total} prenotazioni, la prima: {when} {service}, {office}: {url}",
        "{brand}: you have {total} bookings, the first: {when} {service}, {office}: {url}";
    list_sms_nth: "{brand}, prenotazione {index} di {total}: {when} {service}, {office}: {url}",
        "{brand}, booking {index} of {total}: {when} {service}, {office}: {url}";
    // A booking still to confirm, by SMS: its own message, whatever its place in the list.
    list_sms_pending: "{brand}: prenotazione da confermare entro le {deadline}: {when} {service}, {office}: {url}",
        "{brand}: booking to confirm by {deadline}: {when} {service}, {office}: {url}";
    list_sms_pending_short: "Conferma entro le {deadline} {when}: {url}", "Confirm by {deadline} {when}: {url}";
    // When even the shortest names do not fit: the same in both languages.
    list_sms_short: "{when}: {url}", "{when}: {url}";
    list_subject: "Le tue prenotazioni", "Your bookings";
    list_none: "non risultano prenotazioni future associate a questo indirizzo e-mail.",
        "there are no upcoming bookings for this e-mail address.";
    list_book: "Prenota un appuntamento", "Book an appointment";
    list_one: "ecco la tua prenotazione.", "here is your booking.";
    list_many: "ecco le tue {count} prenotazioni, dalla più vicina.",
        "here are your {count} bookings, soonest first.";
    list_link: "Vedi o annulla la prenotazione", "View or cancel the booking";
    list_pending: "Da confermare entro {deadline}: senza conferma l'orario torna disponibile.",
        "To be confirmed by {deadline}: without confirmation the time slot is released.";
    list_confirm_link: "Conferma la prenotazione", "Confirm the booking";
    list_why: "Ricevi questo messaggio perché è stato chiesto l'elenco delle prenotazioni per questo \
               indirizzo. Se non l'hai chiesto tu, puoi ignorarlo.",
        "You are receiving this message because the list of bookings for this address was requested. If you \
         did not ask for it, you can ignore it.";
}
