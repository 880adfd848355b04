//! "Le mie prenotazioni": a citizen asks for links to their bookings by giving their contact. The
//! request is only queued, and the sender answers it later ([`answer`]) with the list, on the
//! contact's own channel; so the answer to the request, and the time it takes, are the same
//! whoever asks and whatever they have booked.

use prenota_core::BookingState;
use prenota_core::Token;
use prenota_core::catalogue::Lang;
use prenota_core::contact::Contact;
use prenota_notify::compose;
use prenota_store::{BookingStore, MessageId, MessageKind, OutboxStore, StoreError};

use crate::outbox::{self, ListRequest};
use crate::{Context, Failure, facts, links};

/// Queues the request of `contact`, to be answered in `lang`.
pub async fn request(
    context: &Context,
    outbox: &dyn OutboxStore,
    contact: &Contact,
    lang: Lang,
) -> Result<(), Failure> {
    outbox
        .enqueue(&outbox::list_request(contact, lang, context.clock.now())?)
        .await?;
    Ok(())
}

/// Why a request could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    /// The request cannot be answered, now or ever (an unreadable contact, no random bytes for
    /// the links).
    #[error("the request cannot be answered: {0}")]
    Unanswerable(String),
    /// The store could not answer: try again later.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<Failure> for AnswerError {
    fn from(failure: Failure) -> Self {
        Self::Unanswerable(failure.to_string())
    }
}

/// Answers the request `id`: the contact's confirmed future bookings, each with a fresh link of
/// its own, queued as one e-mail or as SMS. No bookings, no message: the requester was already
/// told "if there are bookings". The answer's ids derive from the request's, so a retried request
/// queues nothing twice. Returns how many messages were queued.
pub async fn answer<S>(
    context: &Context,
    store: &S,
    id: &MessageId,
    asked: &ListRequest,
) -> Result<usize, AnswerError>
where
    S: BookingStore + OutboxStore + ?Sized,
{
    let contact = Contact::parse(&asked.contact).map_err(|e| AnswerError::Unanswerable(e.to_string()))?;
    let lang = Lang::parse(&asked.lang).unwrap_or_default();
    let now = context.clock.now();
    let bookings = store
        .bookings_of_contact(&contact.key(&context.secrets.hmac), now)
        .await?;
    let mut listed = Vec::new();
    for booking in bookings.iter().filter(|b| b.state == BookingState::Confirmed) {
        let code = Token::generate().map_err(|e| AnswerError::Unanswerable(e.to_string()))?;
        store.issue_page_code(&booking.id, &code.hash()).await?;
        listed.push((
            facts::facts(context, booking, None, lang),
            links::page_url(context, &code),
        ));
    }
    if listed.is_empty() {
        return Ok(0);
    }
    let messages = compose::bookings_list_sms_all(lang, &contact, &listed, &links::home_url(context));
    let count = messages.len();
    for (index, message) in messages.into_iter().enumerate() {
        let queued = outbox::citizen_as(
            MessageId::new(format!("{id}-{index}")),
            MessageKind::BookingsList,
            message,
            now,
        )?;
        store.enqueue(&queued).await?;
    }
    Ok(count)
}
