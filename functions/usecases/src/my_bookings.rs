//! "Le mie prenotazioni": a citizen asks for links to their bookings by giving their contact. The
//! request is only queued, and the sender answers it later ([`answer`]) with the list, on the
//! contact's own channel; so the answer to the request, and the time it takes, are the same
//! whoever asks and whatever they have booked.

use std::collections::BTreeMap;

use prenota_core::BookingState;
use prenota_core::catalogue::Lang;
use prenota_core::contact::Contact;
use prenota_notify::{BookingFacts, Message, compose};
use prenota_store::{BookingStore, ContactMessages, MessageId, MessageKind, OutboxStore, StoreError};

use crate::outbox::{self, ListRequest};
use crate::{Context, Failure, facts, links};

/// Queues the request of `contact`, to be answered in `lang`, unless the contact was sent as
/// many such messages this hour as it may be ([`Settings::messages_per_contact_hour`]): then
/// nothing is queued, and the requester is told exactly the same.
///
/// [`Settings::messages_per_contact_hour`]: crate::Settings::messages_per_contact_hour
pub async fn request<S>(context: &Context, store: &S, contact: &Contact, lang: Lang) -> Result<(), Failure>
where
    S: OutboxStore + ContactMessages + ?Sized,
{
    let now = context.clock.now();
    let key = contact.key(&context.secrets.hmac);
    if !store
        .count_contact_message(&key, context.settings.messages_per_contact_hour, now)
        .await?
    {
        tracing::info!("a \"my bookings\" request over the contact's hourly limit: nothing sent");
        return Ok(());
    }
    store.enqueue(&outbox::list_request(contact, lang, now)?).await?;
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

/// Answers the request `id`: the contact's future bookings, each confirmed one with its page's
/// link and each still waiting for confirmation with a confirmation link of its own (sent again:
/// the first one keeps working) and its deadline, queued as one e-mail or as SMS. The bookings are found by the contact's canonical form
/// (`victim+x@…` finds `victim@…`'s), so the list goes to the address each booking was made with,
/// never to the address typed in the request. No bookings, no message: the requester was already
/// told "if there are bookings". The links reuse each booking's reissued page code, and the
/// answer's ids derive from the request's, so a retried request queues and stores nothing twice.
/// Returns how many messages were queued.
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
    // By the address each booking was made with, in a stable order.
    let mut by_address: BTreeMap<String, (Contact, Vec<(BookingFacts, String)>)> = BTreeMap::new();
    for booking in &bookings {
        let Some(person) = booking.person.as_ref() else {
            continue;
        };
        let url = match booking.state {
            BookingState::Confirmed => {
                // Issued again (it changes nothing) for a booking confirmed before page codes
                // were derived from the booking.
                let code = links::page_code(context, &booking.id);
                store.issue_page_code(&booking.id, &code.hash()).await?;
                links::page_url(context, &code, lang)
            }
            BookingState::Pending => {
                let code = links::confirm_code_again(context, &booking.id);
                store.issue_confirm_code(&booking.id, &code.hash()).await?;
                links::confirm_url(context, &code, lang)
            }
            _ => continue,
        };
        let listed = (facts::facts(context, booking, None, lang), url);
        by_address
            .entry(person.contact.address().to_owned())
            .or_insert_with(|| (person.contact.clone(), Vec::new()))
            .1
            .push(listed);
    }
    let home = links::home_url(context);
    let messages: Vec<Message> = by_address
        .values()
        .flat_map(|(contact, listed)| compose::bookings_list_sms_all(lang, contact, listed, &home))
        .collect();
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
