//! Errors as `application/problem+json` (RFC 9457): a stable `code` for programs and a `detail`
//! in the request's language for people.

use http::StatusCode;
use prenota_core::catalogue::Lang;
use prenota_core::contact::{ContactError, EmailError, PhoneError};
use serde::Serialize;

/// Every error the API can answer, with its status. The codes are part of the HTTP contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    NotFound,
    MethodNotAllowed,
    BodyTooLarge,
    UnsupportedMediaType,
    MalformedJson,
    InvalidField,
    InvalidQuery,
    InvalidPosition,
    InvalidLang,
    UnknownService,
    UnknownOffice,
    NotOffered,
    InvalidDate,
    InvalidTime,
    DateOutsideWindow,
    NoSuchSlot,
    SlotStarted,
    SlotTaken,
    HoldNotFound,
    HoldExpired,
    HoldReleased,
    AlreadySubmitted,
    InvalidName,
    InvalidSurname,
    InvalidDetails,
    InvalidContact,
    TermsNotAccepted,
    InvalidRating,
    InvalidReason,
    QuotaExceeded,
    StoreUnavailable,
    InternalError,
}

impl Code {
    pub fn status(self) -> StatusCode {
        use Code::*;
        match self {
            NotFound | UnknownService | UnknownOffice | NotOffered | HoldNotFound => StatusCode::NOT_FOUND,
            MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            MalformedJson | InvalidQuery | InvalidPosition => StatusCode::BAD_REQUEST,
            InvalidField | InvalidLang | InvalidDate | InvalidTime | DateOutsideWindow | NoSuchSlot
            | SlotStarted | InvalidName | InvalidSurname | InvalidDetails | InvalidContact
            | TermsNotAccepted | InvalidRating | InvalidReason => StatusCode::UNPROCESSABLE_ENTITY,
            SlotTaken | AlreadySubmitted => StatusCode::CONFLICT,
            HoldExpired | HoldReleased => StatusCode::GONE,
            QuotaExceeded => StatusCode::TOO_MANY_REQUESTS,
            StoreUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            InternalError => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn as_str(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// The default human text of each code (a problem may carry a more precise one).
    pub fn detail(self, lang: Lang) -> &'static str {
        use Code::*;
        let (it, en) = match self {
            NotFound => ("Indirizzo non trovato.", "No such address."),
            MethodNotAllowed => (
                "Metodo non consentito per questo indirizzo.",
                "Method not allowed for this address.",
            ),
            BodyTooLarge => (
                "La richiesta è troppo grande (massimo 16 KiB).",
                "The request is too large (16 KiB at most).",
            ),
            UnsupportedMediaType => (
                "Il corpo della richiesta deve essere JSON (application/json).",
                "The request body must be JSON (application/json).",
            ),
            MalformedJson => (
                "Il corpo della richiesta non è un oggetto JSON valido.",
                "The request body is not a valid JSON object.",
            ),
            InvalidField => (
                "Un campo della richiesta non è valido.",
                "A field of the request is not valid.",
            ),
            InvalidQuery => (
                "Un parametro dell'indirizzo non è valido.",
                "A parameter of the address is not valid.",
            ),
            InvalidPosition => (
                "La posizione deve avere lat (da -90 a 90) e lon (da -180 a 180).",
                "The position needs lat (-90 to 90) and lon (-180 to 180).",
            ),
            InvalidLang => (
                "La lingua deve essere it oppure en.",
                "The language must be it or en.",
            ),
            UnknownService => ("Servizio non trovato.", "No such service."),
            UnknownOffice => ("Sede non trovata.", "No such office."),
            NotOffered => (
                "Questa sede non offre questo servizio.",
                "This office does not offer this service.",
            ),
            InvalidDate => (
                "La data deve essere scritta AAAA-MM-GG ed esistere.",
                "The date must be written YYYY-MM-DD and exist.",
            ),
            InvalidTime => (
                "L'orario deve essere scritto HH:MM.",
                "The time must be written HH:MM.",
            ),
            DateOutsideWindow => (
                "Questa data non è prenotabile ora.",
                "This date cannot be booked now.",
            ),
            NoSuchSlot => (
                "A quell'ora non c'è un appuntamento per questo servizio.",
                "There is no appointment for this service at that time.",
            ),
            SlotStarted => (
                "Questo appuntamento è già iniziato.",
                "This appointment has already started.",
            ),
            SlotTaken => (
                "Questo orario è appena stato preso: scegline un altro.",
                "This time was just taken: please choose another.",
            ),
            HoldNotFound => (
                "Prenotazione in corso non trovata.",
                "No such booking in progress.",
            ),
            HoldExpired => (
                "Il tempo per completare la prenotazione è scaduto: scegli di nuovo un orario.",
                "The time to complete the booking has run out: please choose a time again.",
            ),
            HoldReleased => (
                "Questo orario è stato rilasciato: scegline un altro.",
                "This time was released: please choose another.",
            ),
            AlreadySubmitted => (
                "I dati di questa prenotazione sono già stati inviati.",
                "The details of this booking were already sent.",
            ),
            InvalidName => (
                "Scrivi il nome (solo lettere, spazi, apostrofi e trattini, massimo 60).",
                "Write the first name (letters, spaces, apostrophes and hyphens, 60 at most).",
            ),
            InvalidSurname => (
                "Scrivi il cognome (solo lettere, spazi, apostrofi e trattini, massimo 60).",
                "Write the surname (letters, spaces, apostrophes and hyphens, 60 at most).",
            ),
            InvalidDetails => (
                "Le note possono avere al massimo 200 caratteri, senza caratteri di controllo.",
                "The notes may have 200 characters at most, without control characters.",
            ),
            InvalidContact => (
                "Scrivi un indirizzo e-mail o un numero di cellulare valido.",
                "Write a valid e-mail address or mobile number.",
            ),
            TermsNotAccepted => (
                "Per continuare occorre accettare i termini del servizio e la privacy policy.",
                "To continue, accept the terms of service and the privacy policy.",
            ),
            InvalidRating => ("Scegli una valutazione da 1 a 5.", "Choose a rating from 1 to 5."),
            InvalidReason => (
                "Il motivo può avere al massimo 200 caratteri, senza caratteri di controllo.",
                "The reason may have 200 characters at most, without control characters.",
            ),
            QuotaExceeded => (
                "Hai già il numero massimo di prenotazioni attive.",
                "You already have the most active bookings allowed.",
            ),
            StoreUnavailable => (
                "Il servizio non è disponibile in questo momento: riprova tra poco.",
                "The service is unavailable right now: please try again shortly.",
            ),
            InternalError => (
                "Si è verificato un errore imprevisto.",
                "An unexpected error occurred.",
            ),
        };
        match lang {
            Lang::It => it,
            Lang::En => en,
        }
    }
}

/// One problem to answer with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub code: Code,
    pub detail: String,
    /// The request field at fault, when there is one.
    pub field: Option<String>,
}

impl Problem {
    pub fn new(code: Code, lang: Lang) -> Self {
        Self {
            code,
            detail: code.detail(lang).to_owned(),
            field: None,
        }
    }

    pub fn with_detail(code: Code, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
            field: None,
        }
    }

    pub fn field(mut self, field: &str) -> Self {
        self.field = Some(field.to_owned());
        self
    }

    pub fn body(&self) -> String {
        let status = self.code.status();
        let mut body = serde_json::json!({
            "type": format!("urn:prenota:problem:{}", self.code.as_str()),
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "code": self.code.as_str(),
            "detail": self.detail,
        });
        if let Some(field) = &self.field {
            body["field"] = serde_json::Value::String(field.clone());
        }
        body.to_string()
    }
}

/// Why a contact was refused, said precisely, in the citizen's language.
pub fn contact_detail(error: &ContactError, lang: Lang) -> String {
    let (it, en) = match error {
        ContactError::Empty => (
            "Scrivi un indirizzo e-mail o un numero di cellulare.",
            "Write an e-mail address or a mobile number.",
        ),
        ContactError::NotEmailOrPhone => (
            "Non è né un indirizzo e-mail né un numero di telefono.",
            "This is neither an e-mail address nor a phone number.",
        ),
        ContactError::Email(EmailError::TooLong) => (
            "L'indirizzo e-mail è troppo lungo.",
            "The e-mail address is too long.",
        ),
        ContactError::Email(EmailError::SeveralAt) => (
            "L'indirizzo e-mail contiene più di una @.",
            "The e-mail address has more than one @.",
        ),
        ContactError::Email(EmailError::EmptyLocalPart) => (
            "Manca la parte prima della @.",
            "The part before the @ is missing.",
        ),
        ContactError::Email(EmailError::EmptyDomain) => {
            ("Manca la parte dopo la @.", "The part after the @ is missing.")
        }
        ContactError::Email(EmailError::BadCharacter(_)) => (
            "L'indirizzo e-mail contiene un carattere non valido.",
            "The e-mail address contains a character that is not allowed.",
        ),
        ContactError::Email(EmailError::DomainWithoutDot) => (
            "Il dominio dell'indirizzo e-mail è incompleto (es. nome@esempio.it).",
            "The e-mail address's domain is incomplete (e.g. name@example.com).",
        ),
        ContactError::Email(EmailError::BadDomain) => (
            "Il dominio dell'indirizzo e-mail non è valido.",
            "The e-mail address's domain is not valid.",
        ),
        ContactError::Phone(PhoneError::BadCharacter(_)) => (
            "Il numero contiene un carattere non valido.",
            "The number contains a character that is not allowed.",
        ),
        ContactError::Phone(PhoneError::TooShort) => (
            "Il numero ha troppe poche cifre.",
            "The number has too few digits.",
        ),
        ContactError::Phone(PhoneError::TooLong) => {
            ("Il numero ha troppe cifre.", "The number has too many digits.")
        }
        ContactError::Phone(PhoneError::NotMobile) => (
            "È un numero fisso: per ricevere l'SMS serve un cellulare (inizia con 3).",
            "This is a landline: a mobile number (starting with 3) is needed for the SMS.",
        ),
        ContactError::Phone(PhoneError::BadCountryCode) => (
            "Il prefisso internazionale non è valido.",
            "The international prefix is not valid.",
        ),
    };
    match lang {
        Lang::It => it.to_owned(),
        Lang::En => en.to_owned(),
    }
}
