//! Errors as `application/problem+json` (RFC 9457): a stable `code` for programs and a `detail`
//! in the request's language for people.

use http::StatusCode;
use prenota_core::catalogue::Lang;
use prenota_core::contact::{ContactError, EmailError, PhoneError};
use prenota_core::counter::CounterError;
use prenota_core::slots::SlotError;
use prenota_usecases::browse::{BrowseError, NotInCatalogue};
use prenota_usecases::counter::CounterRefusal;
use prenota_usecases::hold::HoldError;
use prenota_usecases::walk_in::WalkInError;
use prenota_usecases::{Failure, StepError};
use serde::Serialize;

mod details;
use details::details;

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
    TooManyRequests,
    ChallengeRequired,
    StoreUnavailable,
    InternalError,
    Unauthenticated,
    Forbidden,
    CrossOrigin,
    BadCredentials,
    TooManyAttempts,
    UnknownCode,
    WeakPassword,
    InvalidToken,
    UnknownBooking,
    WrongOffice,
    NotToday,
    Cancelled,
    TooEarly,
    TooLate,
    NotCalled,
    TooSoon,
    OutcomeRecorded,
    InvalidDesk,
    InvalidOutcome,
    NoFreeSlot,
    TooLateToMove,
    AppointmentStarted,
    AlreadyBookedThatDay,
    InvalidPeople,
    PeopleMismatch,
    NotEnoughSeats,
    InvalidDays,
    InvalidClosure,
    UnknownClosure,
    Displaced,
    InvalidPeriod,
    InvalidCatalogueChange,
    CatalogueChanged,
    ReasonRequired,
    UnknownChange,
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
            InvalidField
            | InvalidLang
            | InvalidDate
            | InvalidTime
            | DateOutsideWindow
            | NoSuchSlot
            | SlotStarted
            | InvalidName
            | InvalidSurname
            | InvalidDetails
            | InvalidContact
            | TermsNotAccepted
            | InvalidRating
            | InvalidReason
            | InvalidPeople
            | PeopleMismatch
            | InvalidDays
            | InvalidClosure
            | InvalidPeriod
            | InvalidCatalogueChange
            | ReasonRequired => StatusCode::UNPROCESSABLE_ENTITY,
            SlotTaken | AlreadySubmitted | NotEnoughSeats | CatalogueChanged => StatusCode::CONFLICT,
            HoldExpired | HoldReleased => StatusCode::GONE,
            TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ChallengeRequired => StatusCode::PRECONDITION_REQUIRED,
            StoreUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            InternalError => StatusCode::INTERNAL_SERVER_ERROR,
            Unauthenticated | BadCredentials => StatusCode::UNAUTHORIZED,
            Forbidden | CrossOrigin => StatusCode::FORBIDDEN,
            TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            UnknownCode | UnknownBooking | UnknownClosure | UnknownChange => StatusCode::NOT_FOUND,
            WeakPassword | InvalidDesk | InvalidOutcome => StatusCode::UNPROCESSABLE_ENTITY,
            InvalidToken => StatusCode::BAD_REQUEST,
            WrongOffice | NotToday | Cancelled | Displaced | TooEarly | TooLate | NotCalled | TooSoon
            | OutcomeRecorded | NoFreeSlot | TooLateToMove | AppointmentStarted | AlreadyBookedThatDay => {
                StatusCode::CONFLICT
            }
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
        let t = details(lang);
        match self {
            NotFound => t.not_found,
            MethodNotAllowed => t.method_not_allowed,
            BodyTooLarge => t.body_too_large,
            UnsupportedMediaType => t.unsupported_media_type,
            MalformedJson => t.malformed_json,
            InvalidField => t.invalid_field,
            InvalidQuery => t.invalid_query,
            InvalidPosition => t.invalid_position,
            InvalidLang => t.invalid_lang,
            UnknownService => t.unknown_service,
            UnknownOffice => t.unknown_office,
            NotOffered => t.not_offered,
            InvalidDate => t.invalid_date,
            InvalidTime => t.invalid_time,
            DateOutsideWindow => t.date_outside_window,
            NoSuchSlot => t.no_such_slot,
            SlotStarted => t.slot_started,
            SlotTaken => t.slot_taken,
            HoldNotFound => t.hold_not_found,
            HoldExpired => t.hold_expired,
            HoldReleased => t.hold_released,
            AlreadySubmitted => t.already_submitted,
            InvalidName => t.invalid_name,
            InvalidSurname => t.invalid_surname,
            InvalidDetails => t.invalid_details,
            InvalidContact => t.invalid_contact,
            TermsNotAccepted => t.terms_not_accepted,
            InvalidRating => t.invalid_rating,
            InvalidReason => t.invalid_reason,
            TooManyRequests => t.too_many_requests,
            ChallengeRequired => t.challenge_required,
            StoreUnavailable => t.store_unavailable,
            InternalError => t.internal_error,
            Unauthenticated => t.unauthenticated,
            Forbidden => t.forbidden,
            CrossOrigin => t.cross_origin,
            BadCredentials => t.bad_credentials,
            TooManyAttempts => t.too_many_attempts,
            UnknownCode => t.unknown_code,
            WeakPassword => t.weak_password,
            InvalidToken => t.invalid_token,
            UnknownBooking => t.unknown_booking,
            WrongOffice => t.wrong_office,
            NotToday => t.not_today,
            Cancelled => t.cancelled,
            TooEarly => t.too_early,
            TooLate => t.too_late,
            NotCalled => t.not_called,
            TooSoon => t.too_soon,
            OutcomeRecorded => t.outcome_recorded,
            InvalidDesk => t.invalid_desk,
            InvalidOutcome => t.invalid_outcome,
            NoFreeSlot => t.no_free_slot,
            TooLateToMove => t.too_late_to_move,
            AppointmentStarted => t.appointment_started,
            AlreadyBookedThatDay => t.already_booked_that_day,
            InvalidPeople => t.invalid_people,
            PeopleMismatch => t.people_mismatch,
            NotEnoughSeats => t.not_enough_seats,
            InvalidDays => t.invalid_days,
            InvalidClosure => t.invalid_closure,
            UnknownClosure => t.unknown_closure,
            Displaced => t.displaced,
            InvalidPeriod => t.invalid_period,
            InvalidCatalogueChange => t.invalid_catalogue_change,
            CatalogueChanged => t.catalogue_changed,
            ReasonRequired => t.reason_required,
            UnknownChange => t.unknown_change,
        }
    }
}

/// One problem to answer with: a stable code, the request field at fault, and a detail that is
/// written in the answer's language when the answer is made ([`Problem::body`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub code: Code,
    /// The request field at fault, when there is one.
    pub field: Option<std::borrow::Cow<'static, str>>,
    /// A more precise reason than the code's own text.
    reason: Option<ContactError>,
    /// When trying again makes sense (`Retry-After`).
    pub retry_after: Option<std::time::Duration>,
    /// Each problem the catalogue's rules found, by item and field (a change of the catalogue).
    pub issues: Vec<prenota_core::catalogue::CatalogueIssue>,
}

impl Problem {
    pub fn new(code: Code) -> Self {
        Self {
            code,
            field: None,
            reason: None,
            retry_after: None,
            issues: Vec::new(),
        }
    }

    /// The problem, with every issue the catalogue's rules found.
    pub fn issues(mut self, issues: Vec<prenota_core::catalogue::CatalogueIssue>) -> Self {
        self.issues = issues;
        self
    }

    /// 429 `too_many_requests`: come back after `wait`.
    pub fn too_many_requests(wait: std::time::Duration) -> Self {
        Self {
            retry_after: Some(wait),
            ..Self::new(Code::TooManyRequests)
        }
    }

    /// The problem, with when trying again makes sense.
    pub fn retry_after(mut self, wait: std::time::Duration) -> Self {
        self.retry_after = Some(wait);
        self
    }

    pub fn field(mut self, field: impl Into<std::borrow::Cow<'static, str>>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// The human text, in `lang`.
    pub fn detail(&self, lang: Lang) -> String {
        match &self.reason {
            Some(error) => contact_detail(error, lang).to_owned(),
            None => self.code.detail(lang).to_owned(),
        }
    }

    pub fn body(&self, lang: Lang) -> String {
        let status = self.code.status();
        let mut body = serde_json::json!({
            "type": format!("urn:prenota:problem:{}", self.code.as_str()),
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
            "code": self.code.as_str(),
            "detail": self.detail(lang),
        });
        if let Some(field) = &self.field {
            body["field"] = serde_json::Value::String(field.to_string());
        }
        if !self.issues.is_empty() {
            body["issues"] = self
                .issues
                .iter()
                .map(|issue| serde_json::json!({"item": issue.item, "field": issue.field, "problem": issue.problem}))
                .collect();
        }
        body.to_string()
    }
}

/// A contact that is no e-mail address nor mobile number: said precisely.
impl From<ContactError> for Problem {
    fn from(error: ContactError) -> Self {
        Self {
            field: Some("contact".into()),
            reason: Some(error),
            ..Self::new(Code::InvalidContact)
        }
    }
}

/// The store or the random source failed: the citizen is asked to try again; a bug is logged.
impl From<Failure> for Problem {
    fn from(failure: Failure) -> Self {
        match failure {
            Failure::Unavailable(_) => Self::new(Code::StoreUnavailable),
            Failure::Internal(reason) => {
                tracing::error!(%reason, "internal error");
                Self::new(Code::InternalError)
            }
        }
    }
}

impl From<NotInCatalogue> for Problem {
    fn from(missing: NotInCatalogue) -> Self {
        Self::new(match missing {
            NotInCatalogue::Service => Code::UnknownService,
            NotInCatalogue::Office => Code::UnknownOffice,
            NotInCatalogue::NotOffered => Code::NotOffered,
        })
    }
}

impl From<BrowseError> for Problem {
    fn from(error: BrowseError) -> Self {
        match error {
            BrowseError::NotInCatalogue(missing) => missing.into(),
            BrowseError::OutsideWindow => Self::new(Code::DateOutsideWindow).field("date"),
            BrowseError::Failed(failure) => failure.into(),
        }
    }
}

impl From<HoldError> for Problem {
    fn from(error: HoldError) -> Self {
        match error {
            HoldError::Slot(SlotError::NoSuchSlot) => Self::new(Code::NoSuchSlot),
            HoldError::Slot(SlotError::OutsideWindow { .. }) => {
                Self::new(Code::DateOutsideWindow).field("date")
            }
            HoldError::Slot(SlotError::Started) => Self::new(Code::SlotStarted),
            HoldError::Taken => Self::new(Code::SlotTaken),
            HoldError::NotEnoughSeats { .. } => Self::new(Code::NotEnoughSeats),
            HoldError::People { .. } => Self::new(Code::InvalidPeople).field("people"),
            HoldError::Challenge(_) => Self::new(Code::ChallengeRequired).field("altcha"),
            HoldError::Failed(failure) => failure.into(),
        }
    }
}

impl From<StepError> for Problem {
    fn from(error: StepError) -> Self {
        Self::new(match error {
            StepError::NotFound => Code::HoldNotFound,
            StepError::Expired => Code::HoldExpired,
            StepError::Released => Code::HoldReleased,
            StepError::AlreadySubmitted => Code::AlreadySubmitted,
            StepError::SlotTaken => Code::SlotTaken,
            StepError::PeopleMismatch { .. } => return Self::new(Code::PeopleMismatch).field("people"),
            StepError::Failed(failure) => return failure.into(),
        })
    }
}

impl From<CounterRefusal> for Problem {
    fn from(refusal: CounterRefusal) -> Self {
        Self::new(match refusal {
            CounterRefusal::Forbidden => Code::Forbidden,
            CounterRefusal::UnknownOffice => Code::UnknownOffice,
            CounterRefusal::UnknownBooking => Code::UnknownBooking,
            CounterRefusal::InvalidToken => Code::InvalidToken,
            CounterRefusal::WrongOffice => Code::WrongOffice,
            CounterRefusal::NotToday => Code::NotToday,
            CounterRefusal::Step(step) => match step {
                CounterError::Cancelled => Code::Cancelled,
                CounterError::Displaced => Code::Displaced,
                CounterError::TooEarly => Code::TooEarly,
                CounterError::TooLate => Code::TooLate,
                CounterError::NotCalled | CounterError::NobodyWaiting => Code::NotCalled,
                CounterError::TooSoon => Code::TooSoon,
                CounterError::OutcomeRecorded => Code::OutcomeRecorded,
            },
            CounterRefusal::Failed(failure) => return failure.into(),
        })
    }
}

impl From<WalkInError> for Problem {
    fn from(error: WalkInError) -> Self {
        match error {
            WalkInError::NotOffered => Self::new(Code::NotOffered),
            WalkInError::NoSuchSlot => Self::new(Code::NoSuchSlot).field("start"),
            WalkInError::SlotTaken => Self::new(Code::SlotTaken),
            WalkInError::NoFreeSlot => Self::new(Code::NoFreeSlot),
            WalkInError::Counter(refusal) => refusal.into(),
        }
    }
}

/// Why a contact was refused, said precisely, in the citizen's language.
fn contact_detail(error: &ContactError, lang: Lang) -> &'static str {
    let t = details(lang);
    match error {
        ContactError::Empty => t.contact_empty,
        ContactError::NotEmailOrPhone => t.contact_not_email_or_phone,
        ContactError::Email(EmailError::TooLong) => t.contact_email_too_long,
        ContactError::Email(EmailError::SeveralAt) => t.contact_email_several_at,
        ContactError::Email(EmailError::EmptyLocalPart) => t.contact_email_empty_local_part,
        ContactError::Email(EmailError::EmptyDomain) => t.contact_email_empty_domain,
        ContactError::Email(EmailError::BadCharacter(_)) => t.contact_email_bad_character,
        ContactError::Email(EmailError::DomainWithoutDot) => t.contact_email_domain_without_dot,
        ContactError::Email(EmailError::BadDomain) => t.contact_email_bad_domain,
        ContactError::Phone(PhoneError::BadCharacter(_)) => t.contact_phone_bad_character,
        ContactError::Phone(PhoneError::TooShort) => t.contact_phone_too_short,
        ContactError::Phone(PhoneError::TooLong) => t.contact_phone_too_long,
        ContactError::Phone(PhoneError::NotMobile) => t.contact_phone_not_mobile,
        ContactError::Phone(PhoneError::BadCountryCode) => t.contact_phone_bad_country_code,
        ContactError::Phone(PhoneError::NotACountry { .. }) => t.contact_phone_not_a_country,
        ContactError::Phone(PhoneError::CountryNotServed { .. }) => t.contact_phone_country_not_served,
    }
}
