//! "INVIA": the citizen's name, surname, contact and notes turn the hold into a booking that waits
//! for confirmation, within the contact's quota; the confirmation request (e-mail or SMS with the
//! `/c/` link) is queued in the same transaction.
//!
//! The answer is the same for every valid contact, whatever it has booked: when a quota stops the
//! booking, the hold is given back and the citizen learns why on their own channel (within the
//! contact's hourly allowance of such messages), never on the screen, which a stranger may be
//! looking at to find out what a contact has booked.

use chrono::{DateTime, Utc};
use prenota_core::catalogue::Lang;
use prenota_core::contact::Channel;
use prenota_core::quota::QuotaExceeded;
use prenota_core::{Token, TokenHash};
use prenota_notify::compose;
use prenota_store::{
    Booking, BookingStore, ContactMessages, DetailsRequest, MessageKind, OutboxStore, Person, SeatStore,
    StoreError,
};

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

pub async fn submit<S>(
    context: &Context,
    store: &S,
    hold: &TokenHash,
    person: Person,
) -> Result<Submitted, StepError>
where
    S: SeatStore + BookingStore + OutboxStore + ContactMessages + ?Sized,
{
    let now = context.clock.now();
    let booking = store.booking_by_hold(hold, now).await?;
    let confirm = Token::generate()?;
    let confirm_by = now + context.settings.confirm_ttl;
    let facts = facts::facts(context, &booking, Some(&person), person.lang);
    let message = compose::confirmation_request(
        &facts,
        &person.contact,
        &links::confirm_url(context, &confirm, person.lang),
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
    match store.submit_details(&request, now).await {
        Ok(_) => Ok(submitted),
        Err(StoreError::Quota(rule)) => {
            stopped_by_quota(context, store, &booking, &request, rule).await?;
            Ok(submitted)
        }
        Err(error) => Err(error.into()),
    }
}

/// The booking was refused by `rule`: its hold goes back, and the contact is told why, on its own
/// channel and in the language it booked in.
async fn stopped_by_quota<S>(
    context: &Context,
    store: &S,
    booking: &Booking,
    request: &DetailsRequest,
    rule: QuotaExceeded,
) -> Result<(), StepError>
where
    S: SeatStore + OutboxStore + ContactMessages + ?Sized,
{
    let now = context.clock.now();
    let person = &request.person;
    store.release(&request.hold, now).await?;
    let allowed = store
        .count_contact_message(
            &request.contact_key,
            context.settings.messages_per_contact_hour,
            now,
        )
        .await?;
    if !allowed {
        tracing::info!(?rule, "a quota notice over the contact's hourly limit: not sent");
        return Ok(());
    }
    let facts = facts::facts(context, booking, Some(person), person.lang);
    let notice = compose::quota_notice(
        &facts,
        &person.contact,
        rule,
        context.settings.quota.max_active,
        &my_bookings_url(context, person.lang),
    );
    store
        .enqueue(&outbox::citizen(MessageKind::QuotaNotice, notice, now)?)
        .await?;
    Ok(())
}

/// "Le mie prenotazioni" on the citizen's site, in `lang`.
fn my_bookings_url(context: &Context, lang: Lang) -> String {
    match lang {
        Lang::It => format!("{}?view=my-bookings", links::home_url(context)),
        Lang::En => format!("{}?view=my-bookings&lang=en", links::home_url(context)),
    }
}
