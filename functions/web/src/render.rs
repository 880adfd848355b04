//! From a stored booking to what citizens read: the facts of a booking, its check-in token and
//! its messages, ready for the outbox.

use chrono::{DateTime, Utc};
use prenota_core::catalogue::Lang;
use prenota_core::checkin::{CheckinClaims, sign};
use prenota_core::contact::Contact;
use prenota_core::{ShortCode, Token};
use prenota_notify::message::Message;
use prenota_notify::{BookingFacts, compose};
use prenota_store::{Booking, OutboxMessage, Person};

use crate::app::App;

/// Kinds of outbox messages.
pub const CONFIRMATION_REQUEST: &str = "confirmation-request";
pub const BOOKING_CONFIRMED: &str = "booking-confirmed";
pub const CANCELLATION: &str = "cancellation";
/// A "my bookings" request: the sender looks the bookings up and writes `BOOKINGS_LIST`.
pub const BOOKINGS_LIST_REQUEST: &str = "bookings-list-request";
pub const BOOKINGS_LIST: &str = "bookings-list";
/// Outbox items for the scheduler, not for a citizen: schedule a booking's reminder, or cancel it.
pub const REMINDER_SCHEDULE: &str = "reminder-schedule";
pub const REMINDER_CANCEL: &str = "reminder-cancel";
/// The channel of the scheduler's items.
pub const SCHEDULER: &str = "scheduler";
/// The reminder message itself.
pub const REMINDER: &str = "reminder";

/// The facts of a booking in `lang`. A catalogue item removed since the booking was made is
/// named by its id rather than dropped.
pub fn facts(app: &App, booking: &Booking, person: Option<&Person>, lang: Lang) -> BookingFacts {
    let catalogue = &app.catalogue;
    let office = catalogue.office(&booking.offering.office);
    let service = catalogue.service(&booking.offering.service);
    let person = person.or(booking.person.as_ref());
    BookingFacts {
        lang,
        city: catalogue.city_name.clone(),
        booking_id: booking.id.clone(),
        short_code: booking
            .short_code
            .as_ref()
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default(),
        person_name: person.map(|p| format!("{} {}", p.name, p.surname)),
        service_name: service.map_or_else(
            || booking.offering.service.to_string(),
            |s| s.name.get(lang).to_owned(),
        ),
        office_name: office.map_or_else(|| booking.offering.office.to_string(), |o| o.name.clone()),
        office_address: office.map(|o| o.address.clone()).unwrap_or_default(),
        office_lat: office.map_or(0.0, |o| o.lat),
        office_lon: office.map_or(0.0, |o| o.lon),
        date: booking.date,
        start: booking.start,
        end: booking.end,
        starts_at: booking.starts_at,
        ends_at: booking.ends_at,
        terms: service.map(|s| s.terms.get(lang).to_owned()).unwrap_or_default(),
        access_rules: service
            .map(|s| s.access_rules.get(lang).to_owned())
            .unwrap_or_default(),
        what_to_bring: service
            .map(|s| s.what_to_bring.get(lang).to_vec())
            .unwrap_or_default(),
    }
}

pub fn confirm_url(app: &App, code: &Token) -> String {
    format!("{}/c/{}", app.settings.public_url, code.encode())
}

pub fn page_url(app: &App, code: &Token) -> String {
    format!("{}/p/{}", app.settings.public_url, code.encode())
}

pub fn home_url(app: &App) -> String {
    format!("{}/", app.settings.public_url)
}

/// The booking page's code: derived from the confirmation code with the installation's key, so
/// a second confirmation shows the same page and the store keeps only hashes.
pub fn page_code(app: &App, confirm: &Token) -> Token {
    app.secrets.hmac.derive_token("booking-page", confirm)
}

/// What the QR code says: signed, checkable offline at the counter, useless for anything else.
pub fn checkin_token(app: &App, booking: &Booking) -> Option<String> {
    let short_code: ShortCode = booking.short_code.clone()?;
    let claims = CheckinClaims {
        short_code,
        office: booking.offering.office.clone(),
        date: booking.date,
        start: booking.start,
    };
    Some(sign(&app.secrets.checkin, &claims))
}

/// Why a message could not be queued.
#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error("the message could not be written as JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Random(#[from] prenota_core::token::TokenError),
}

/// An outbox item with a fresh random id: the one way every message gets its id.
fn queued(
    kind: &str,
    channel: &str,
    recipient: &str,
    payload: String,
    now: DateTime<Utc>,
) -> Result<OutboxMessage, OutboxError> {
    Ok(OutboxMessage {
        id: Token::generate()?.encode(),
        kind: kind.to_owned(),
        channel: channel.to_owned(),
        recipient: recipient.to_owned(),
        payload,
        created_at: now,
    })
}

pub fn outbox(kind: &str, message: &Message, now: DateTime<Utc>) -> Result<OutboxMessage, OutboxError> {
    queued(
        kind,
        message.channel().as_str(),
        message.recipient(),
        serde_json::to_string(message)?,
        now,
    )
}

pub fn confirmation_request(
    app: &App,
    facts: &BookingFacts,
    contact: &Contact,
    confirm: &Token,
    confirm_by: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<OutboxMessage, OutboxError> {
    let message = compose::confirmation_request(facts, contact, &confirm_url(app, confirm), confirm_by);
    outbox(CONFIRMATION_REQUEST, &message, now)
}

/// What a scheduler item says: whose reminder, and (to schedule) when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReminderOrder {
    pub booking_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
}

/// The scheduler item that sets the reminder of a booking confirmed at `now`, when it gets one.
pub fn reminder_schedule(
    app: &App,
    booking: &Booking,
    now: DateTime<Utc>,
) -> Result<Option<OutboxMessage>, OutboxError> {
    let at =
        prenota_core::reminder::reminder_at(booking.date, app.settings.reminder_time, booking.starts_at, now);
    match at {
        None => Ok(None),
        Some(at) => reminder_order(REMINDER_SCHEDULE, booking, Some(at), now).map(Some),
    }
}

/// The scheduler item that drops the reminder of a cancelled booking (none set is fine).
pub fn reminder_cancel(booking: &Booking, now: DateTime<Utc>) -> Result<OutboxMessage, OutboxError> {
    reminder_order(REMINDER_CANCEL, booking, None, now)
}

fn reminder_order(
    kind: &str,
    booking: &Booking,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<OutboxMessage, OutboxError> {
    let order = ReminderOrder {
        booking_id: booking.id.clone(),
        at,
    };
    queued(kind, SCHEDULER, &booking.id, serde_json::to_string(&order)?, now)
}

/// A "my bookings" request for the sender, which alone looks the bookings up.
pub fn bookings_list_request(
    contact: &Contact,
    lang: Lang,
    now: DateTime<Utc>,
) -> Result<OutboxMessage, OutboxError> {
    let payload = serde_json::json!({ "contact": contact.address(), "lang": lang.as_str() });
    queued(
        BOOKINGS_LIST_REQUEST,
        contact.channel().as_str(),
        contact.address(),
        payload.to_string(),
        now,
    )
}

/// Why a "my bookings" request could not be turned into messages.
#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error("the request's payload is unreadable: {0}")]
    Payload(String),
    #[error(transparent)]
    Store(#[from] prenota_store::StoreError),
}

/// Builds what a "my bookings" request asked for: the contact's confirmed future bookings, each
/// with a link of its own, on the contact's channel. No bookings, no message: the requester was
/// already told "if there are bookings". Ids derive from the request's, so a retried request
/// queues nothing twice.
pub async fn bookings_list(app: &App, request: &OutboxMessage) -> Result<Vec<OutboxMessage>, ListError> {
    #[derive(serde::Deserialize)]
    struct Asked {
        contact: String,
        lang: String,
    }
    let asked: Asked =
        serde_json::from_str(&request.payload).map_err(|e| ListError::Payload(e.to_string()))?;
    let contact = Contact::parse(&asked.contact).map_err(|e| ListError::Payload(e.to_string()))?;
    let lang = Lang::parse(&asked.lang).unwrap_or_default();
    let now = app.clock.now();
    let bookings = app
        .store
        .bookings_of_contact(&contact.key(&app.secrets.hmac), now)
        .await?;
    let mut listed = Vec::new();
    for booking in bookings
        .iter()
        .filter(|b| b.state == prenota_core::BookingState::Confirmed)
    {
        let code = Token::generate().map_err(|e| ListError::Payload(e.to_string()))?;
        app.store.issue_page_code(&booking.id, &code.hash()).await?;
        listed.push((facts(app, booking, None, lang), page_url(app, &code)));
    }
    if listed.is_empty() {
        return Ok(Vec::new());
    }
    let messages = compose::bookings_list_sms_all(lang, &contact, &listed, &home_url(app));
    messages
        .iter()
        .enumerate()
        .map(|(index, message)| {
            let mut queued =
                outbox(BOOKINGS_LIST, message, now).map_err(|e| ListError::Payload(e.to_string()))?;
            queued.id = format!("{}-{index}", request.id);
            Ok(queued)
        })
        .collect()
}
