//! "INVIA": the citizen's name, surname, contact and notes turn the hold into a booking that waits
//! for confirmation, within the contact's quota; the confirmation request (e-mail or SMS with the
//! `/c/` link) is queued in the same transaction.

use chrono::{DateTime, Utc};
use prenota_core::contact::Channel;
use prenota_core::{Token, TokenHash};
use prenota_notify::compose;
use prenota_store::{BookingStore, DetailsRequest, MessageKind, Person};

use crate::{Context, StepError, facts, links, outbox};

/// Where the confirmation request went, as the citizen is told: "controlla la tua e-mail".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    pub channel: Channel,
    /// The contact with most of it hidden (`m***@example.it`).
    pub masked_contact: String,
    /// The booking is released unless confirmed by then.
    pub confirm_by: DateTime<Utc>,
}

pub async fn submit(
    context: &Context,
    bookings: &dyn BookingStore,
    hold: &TokenHash,
    person: Person,
) -> Result<Submitted, StepError> {
    let now = context.clock.now();
    let booking = bookings.booking_by_hold(hold, now).await?;
    let confirm = Token::generate()?;
    let confirm_by = now + context.settings.confirm_ttl;
    let facts = facts::facts(context, &booking, Some(&person), person.lang);
    let message = compose::confirmation_request(
        &facts,
        &person.contact,
        &links::confirm_url(context, &confirm),
        confirm_by,
    );
    let submitted = Submitted {
        channel: person.contact.channel(),
        masked_contact: person.contact.masked(),
        confirm_by,
    };
    let request = DetailsRequest {
        hold: *hold,
        confirm_code: confirm.hash(),
        contact_key: person.contact.key(&context.secrets.hmac),
        confirm_by,
        quota: context.settings.quota,
        erase_after: booking.ends_at + context.settings.retention,
        messages: vec![outbox::citizen(MessageKind::ConfirmationRequest, message, now)?],
        person,
    };
    bookings.submit_details(&request, now).await?;
    Ok(submitted)
}
