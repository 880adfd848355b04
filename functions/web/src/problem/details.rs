//! The it/en texts of the problems: the default detail of each code, and the precise reasons a
//! contact is refused.

prenota_core::texts! {
    /// The default human text of each problem code, and the precise reasons a contact is refused.
    pub(super) struct Details;
    /// The texts of `lang`.
    pub(super) fn details;

    not_found: "Indirizzo non trovato.",
        "No such address.";
    method_not_allowed: "Metodo non consentito per questo indirizzo.",
        "Method not allowed for this address.";
    body_too_large: "La richiesta è troppo grande (massimo 16 KiB).",
        "The request is too large (16 KiB at most).";
    unsupported_media_type: "Il corpo della richiesta deve essere JSON (application/json).",
        "The request body must be JSON (application/json).";
    malformed_json: "Il corpo della richiesta non è un oggetto JSON valido.",
        "The request body is not a valid JSON object.";
    invalid_field: "Un campo della richiesta non è valido.",
        "A field of the request is not valid.";
    invalid_query: "Un parametro dell'indirizzo non è valido.",
        "A parameter of the address is not valid.";
    invalid_position: "La posizione deve avere lat (da -90 a 90) e lon (da -180 a 180).",
        "The position needs lat (-90 to 90) and lon (-180 to 180).";
    invalid_lang: "La lingua deve essere it oppure en.",
        "The language must be it or en.";
    unknown_service: "Servizio non trovato.",
        "No such service.";
    unknown_office: "Sede non trovata.",
        "No such office.";
    not_offered: "Questa sede non offre questo servizio.",
        "This office does not offer this service.";
    invalid_date: "La data deve essere scritta AAAA-MM-GG ed esistere.",
        "The date must be written YYYY-MM-DD and exist.";
    invalid_time: "L'orario deve essere scritto HH:MM.",
        "The time must be written HH:MM.";
    date_outside_window: "Questa data non è prenotabile ora.",
        "This date cannot be booked now.";
    no_such_slot: "A quell'ora non c'è un appuntamento per questo servizio.",
        "There is no appointment for this service at that time.";
    slot_started: "Questo appuntamento è già iniziato.",
        "This appointment has already started.";
    slot_taken: "Questo orario è appena stato preso: scegline un altro.",
        "This time was just taken: please choose another.";
    hold_not_found: "Prenotazione in corso non trovata.",
        "No such booking in progress.";
    hold_expired: "Il tempo per completare la prenotazione è scaduto: scegli di nuovo un orario.",
        "The time to complete the booking has run out: please choose a time again.";
    hold_released: "Questo orario è stato rilasciato: scegline un altro.",
        "This time was released: please choose another.";
    already_submitted: "I dati di questa prenotazione sono già stati inviati.",
        "The details of this booking were already sent.";
    invalid_name: "Scrivi il nome (solo lettere, spazi, apostrofi e trattini, massimo 60).",
        "Write the first name (letters, spaces, apostrophes and hyphens, 60 at most).";
    invalid_surname: "Scrivi il cognome (solo lettere, spazi, apostrofi e trattini, massimo 60).",
        "Write the surname (letters, spaces, apostrophes and hyphens, 60 at most).";
    invalid_details: "Le note possono avere al massimo 200 caratteri, senza caratteri di controllo.",
        "The notes may have 200 characters at most, without control characters.";
    invalid_contact: "Scrivi un indirizzo e-mail o un numero di cellulare valido.",
        "Write a valid e-mail address or mobile number.";
    terms_not_accepted: "Per continuare occorre accettare i termini del servizio e la privacy policy.",
        "To continue, accept the terms of service and the privacy policy.";
    invalid_rating: "Scegli una valutazione da 1 a 5.",
        "Choose a rating from 1 to 5.";
    invalid_reason: "Il motivo può avere al massimo 200 caratteri, senza caratteri di controllo.",
        "The reason may have 200 characters at most, without control characters.";
    too_many_requests: "Troppe richieste da questo indirizzo di rete: attendi qualche minuto e riprova.",
        "Too many requests from this network address: please wait a few minutes and try again.";
    challenge_required: "Il servizio è molto richiesto in questo momento: il browser deve prima svolgere un breve calcolo di verifica. Riprova: avviene da solo, senza nulla da fare.",
        "The service is very busy right now: your browser must first do a short check calculation. Please try again: it happens by itself, with nothing for you to do.";
    store_unavailable: "Il servizio non è disponibile in questo momento: riprova tra poco.",
        "The service is unavailable right now: please try again shortly.";
    internal_error: "Si è verificato un errore imprevisto.",
        "An unexpected error occurred.";

    // The counter's staff.
    unauthenticated: "Accedi per continuare: la sessione è scaduta o manca.",
        "Sign in to continue: the session has ended or is missing.";
    forbidden: "Non hai accesso a questa sede o a questa funzione.",
        "You have no access to this office or this function.";
    cross_origin: "Richiesta rifiutata: non proviene dalle pagine di Prenota.",
        "Request refused: it does not come from Prenota's pages.";
    bad_credentials: "E-mail o password errate.",
        "Wrong e-mail or password.";
    too_many_attempts: "Troppi tentativi non riusciti: attendi prima di riprovare.",
        "Too many failed attempts: please wait before trying again.";
    unknown_code: "Il collegamento non è valido, è già stato usato o è scaduto: chiedine uno nuovo.",
        "The link is not valid, was already used or has expired: please ask for a new one.";
    weak_password: "La password deve avere almeno 12 caratteri (al massimo 256).",
        "The password needs at least 12 characters (256 at most).";
    invalid_token: "Questo non è un codice QR di Prenota valido: verifica il codice breve della prenotazione.",
        "This is not a valid Prenota QR code: check the booking's short code instead.";
    unknown_booking: "Nessuna prenotazione confermata ha questo codice.",
        "No confirmed booking has this code.";
    wrong_office: "La prenotazione è per un'altra sede.",
        "The booking is for another office.";
    not_today: "La prenotazione è per un altro giorno.",
        "The booking is for another day.";
    cancelled: "La prenotazione è stata annullata.",
        "The booking was cancelled.";
    too_early: "È troppo presto per registrare l'arrivo a questo appuntamento.",
        "It is too early to check in for this appointment.";
    too_late: "È troppo tardi per registrare l'arrivo: l'appuntamento è passato. Si può prenotare un accesso senza prenotazione.",
        "It is too late to check in: the appointment has passed. A walk-in can be booked instead.";
    not_called: "Il cittadino non è stato chiamato.",
        "The citizen has not been called.";
    too_soon: "È presto per segnare come non presentato: attendi il periodo di tolleranza dopo l'inizio.",
        "It is too soon to mark as not come: wait for the grace period after the start.";
    outcome_recorded: "Per questa prenotazione è già stato registrato l'altro esito.",
        "The other outcome was already recorded for this booking.";
    invalid_desk: "Lo sportello si indica con al massimo 12 lettere, cifre, spazi o trattini.",
        "The desk is named with at most 12 letters, digits, spaces or hyphens.";
    invalid_outcome: "L'esito deve essere served oppure no_show.",
        "The outcome must be served or no_show.";
    no_free_slot: "Per oggi non resta nessun orario libero per questo servizio: scegli un altro giorno.",
        "No free time is left today for this service: choose another day.";
    too_late_to_move: "L'appuntamento, o l'orario scelto, è troppo vicino per spostarlo: la prenotazione si può ancora annullare.",
        "The appointment, or the chosen time, is too close to move to: the booking can still be cancelled.";
    appointment_started: "L'appuntamento è già iniziato.", "The appointment has already started.";
    already_booked_that_day: "Per questa persona c'è già una prenotazione per lo stesso servizio in quel giorno.",
        "This person already has a booking for the same service on that day.";
    invalid_people: "Indica per quante persone è la prenotazione: almeno una, al massimo quante consentite.",
        "Say how many people the booking is for: at least one, at most as many as allowed.";
    people_mismatch: "Indica nome e cognome di ogni persona per cui hai scelto l'orario, né più né meno.",
        "Give the name and surname of each person you chose the time for, no more and no fewer.";
    not_enough_seats: "Non ci sono abbastanza posti liberi per tutte le persone in questo orario e in quelli \
                       subito dopo: scegli un altro orario.",
        "There are not enough free places for everyone at this time and the times right after it: please choose \
         another time.";
    invalid_days: "Scegli i giorni dal più vicino al più lontano, da oggi in poi, entro il periodo in cui si può \
                   prenotare e per al massimo 60 giorni.",
        "Choose the days from the nearest to the furthest, from today on, within the period that can be booked \
         and for at most 60 days.";
    invalid_closure: "Controlla il campo indicato: date AAAA-MM-GG da oggi a un anno, la fine non prima \
                      dell'inizio, orario HH:MM-HH:MM, motivo in italiano e in inglese (240 caratteri al massimo).",
        "Check the field shown: dates YYYY-MM-DD from today to a year ahead, the end not before the start, \
         hours HH:MM-HH:MM, the reason in Italian and in English (240 characters at most).";
    unknown_closure: "Questa chiusura non esiste o è già terminata.",
        "This closure does not exist or has already ended.";
    displaced: "L'ufficio è chiuso all'ora di questa prenotazione: il cittadino è stato avvisato di scegliere \
                un altro orario.",
        "The office is closed at the time of this booking: the citizen was told to choose another time.";
    invalid_period: "Controlla il periodo: date AAAA-MM-GG (un mese AAAA-MM), l'inizio non dopo la fine, un anno al massimo.",
        "Check the period: dates YYYY-MM-DD (a month YYYY-MM), the start not after the end, a year at most.";
    invalid_catalogue_change: "La modifica non rispetta le regole del catalogo: correggi i punti indicati.",
        "The change breaks the catalogue's rules: fix the points listed.";
    catalogue_changed: "Qualcun altro ha modificato il catalogo nel frattempo: ricarica la pagina e riprova.",
        "Someone else changed the catalogue meanwhile: reload the page and try again.";
    reason_required: "La modifica sposta appuntamenti: scrivi il motivo, in italiano e in inglese (300 caratteri al \
                      massimo), che verrà comunicato ai cittadini.",
        "The change displaces appointments: write the reason the citizens are told, in Italian and in English \
         (300 characters at most).";
    unknown_change: "Questa modifica non esiste.",
        "This change does not exist.";

    // Why a contact was refused, said precisely.
    contact_empty: "Scrivi un indirizzo e-mail o un numero di cellulare.",
        "Write an e-mail address or a mobile number.";
    contact_not_email_or_phone: "Non è né un indirizzo e-mail né un numero di telefono.",
        "This is neither an e-mail address nor a phone number.";
    contact_email_too_long: "L'indirizzo e-mail è troppo lungo.",
        "The e-mail address is too long.";
    contact_email_several_at: "L'indirizzo e-mail contiene più di una @.",
        "The e-mail address has more than one @.";
    contact_email_empty_local_part: "Manca la parte prima della @.",
        "The part before the @ is missing.";
    contact_email_empty_domain: "Manca la parte dopo la @.",
        "The part after the @ is missing.";
    contact_email_bad_character: "L'indirizzo e-mail contiene un carattere non valido.",
        "The e-mail address contains a character that is not allowed.";
    contact_email_domain_without_dot: "Il dominio dell'indirizzo e-mail è incompleto (es. nome@esempio.it).",
        "The e-mail address's domain is incomplete (e.g. name@example.com).";
    contact_email_bad_domain: "Il dominio dell'indirizzo e-mail non è valido.",
        "The e-mail address's domain is not valid.";
    contact_phone_bad_character: "Il numero contiene un carattere non valido.",
        "The number contains a character that is not allowed.";
    contact_phone_too_short: "Il numero ha troppe poche cifre.",
        "The number has too few digits.";
    contact_phone_too_long: "Il numero ha troppe cifre.",
        "The number has too many digits.";
    contact_phone_not_mobile: "Non è un numero di cellulare: un numero fisso o speciale non riceve SMS. Scrivi un cellulare (in Italia inizia con 3) oppure un indirizzo e-mail.",
        "This is not a mobile number: a landline or special number cannot receive SMS. Please give a mobile number (in Italy it starts with 3) or an e-mail address.";
    contact_phone_bad_country_code: "Il prefisso internazionale non è valido: controlla il numero, oppure indica un indirizzo e-mail.",
        "The international prefix is not valid: please check the number, or give an e-mail address instead.";
    contact_phone_not_a_country: "Non inviamo SMS a numeri di reti internazionali o satellitari (come +882 o +883): indica un cellulare oppure un indirizzo e-mail.",
        "We do not send SMS to international or satellite network numbers (such as +882 or +883): please give a mobile number or an e-mail address.";
    contact_phone_country_not_served: "Ci dispiace, non inviamo SMS ai numeri di questo paese: puoi indicare un indirizzo e-mail al suo posto.",
        "We are sorry, we do not send SMS to numbers of this country: you can give an e-mail address instead.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_is_translated_with_the_same_placeholders() {
        assert_eq!(prenota_core::texts::problems(Details::ALL), Vec::<String>::new());
    }
}
