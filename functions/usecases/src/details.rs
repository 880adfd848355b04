//! "INVIA": the name and surname of each person, one contact and the notes turn the hold into
//! bookings that wait for confirmation — one per person of a household, all or none — within the
//! people's and the contact's quotas; the one confirmation request (e-mail or SMS with the `/c/`
//! link, listing everyone) is queued in the same transaction.
//!
//! The answer is the same for every valid contact, whatever it has booked: when a quota stops the
//! booking, the hold is given back and the citizen learns why on their own channel (within the
//! contact's hourly allowance of such messages), never on the screen, which a stranger may be
//! looking at to find out what a contact has booked.

use chrono::{DateTime, Utc};
use prenota_core::catalogue::Lang;
use prenota_core::contact::Channel;
use prenota_core::household::PersonKey;
use prenota_core::quota::QuotaExceeded;
use prenota_core::{Token, TokenHash};
use prenota_notify::compose;
use prenota_store::{
    Attendee, Booking, BookingStore, ContactMessages, DetailsRequest, MessageKind, OutboxStore, Person,
    SeatStore, StoreError,
};

use crate::{Context, StepError, facts, household, links, outbox};

/// Where the confirmation request went, as the citizen is told: "controlla la tua e-mail".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    pub channel: Channel,
    /// The contact with most of it hidden (`m***@example.it`).
    pub masked_contact: String,
    /// The bookings are released unless confirmed by then.
    pub confirm_by: DateTime<Utc>,
    /// How many people the bookings are for.
    pub people: usize,
}

/// Sends the details of `people`, one per held seat in the hold's order, all with the first
/// one's contact, notes and language.
pub async fn submit<S>(
    context: &Context,
    store: &S,
    hold: &TokenHash,
    people: Vec<Person>,
) -> Result<Submitted, StepError>
where
    S: SeatStore + BookingStore + OutboxStore + ContactMessages + ?Sized,
{
    let now = context.clock.now();
    let lead = store.booking_by_hold(hold, now).await?;
    let bookings = household::members(store, &lead, now).await?;
    if bookings.len() != people.len() {
        return Err(StepError::PeopleMismatch {
            held: bookings.len(),
            given: people.len(),
        });
    }
    let first = people[0].clone();
    let secret = &context.secrets.hmac;
    let contact_key = first.contact.key(secret);
    let attendees: Vec<Attendee> = people
        .into_iter()
        .map(|person| Attendee {
            key: PersonKey::of(&contact_key, &person.name, &person.surname, secret),
            person: Person {
                contact: first.contact.clone(),
                details: first.details.clone(),
                lang: first.lang,
                ..person
            },
        })
        .collect();
    let confirm = Token::generate()?;
    let confirm_by = now + context.settings.confirm_ttl;
    let with_people: Vec<Booking> = bookings
        .iter()
        .zip(&attendees)
        .map(|(booking, attendee)| Booking {
            person: Some(attendee.person.clone()),
            ..booking.clone()
        })
        .collect();
    let facts = facts::household_facts(context, &with_people, first.lang);
    let message = compose::confirmation_request(
        &facts,
        &first.contact,
        &links::confirm_url(context, &confirm, first.lang),
        confirm_by,
    );
    let submitted = Submitted {
        channel: first.contact.channel(),
        masked_contact: first.contact.masked(),
        confirm_by,
        people: attendees.len(),
    };
    let last_end = bookings
        .iter()
        .map(|booking| booking.ends_at)
        .max()
        .unwrap_or(now);
    let mut messages = vec![outbox::citizen(MessageKind::ConfirmationRequest, message, now)?];
    // Each booking's timer fires at the deadline: one not confirmed by then gives its seat to the
    // waiting list first (`reminders::fire`); confirming replaces the timer with the reminder's.
    for booking in &bookings {
        messages.push(outbox::reminder_order(
            MessageKind::ReminderSchedule,
            &booking.id,
            Some(confirm_by),
            now,
        )?);
    }
    let request = DetailsRequest {
        hold: *hold,
        confirm_code: confirm.hash(),
        contact_key,
        confirm_by,
        quota: context.settings.quota,
        erase_after: last_end + context.settings.retention,
        messages,
        people: attendees,
    };
    match store.submit_details(&request, now).await {
        Ok(_) => Ok(submitted),
        Err(StoreError::Quota { rule, person }) => {
            stopped_by_quota(context, store, &with_people, &request, rule, person).await?;
            Ok(submitted)
        }
        Err(error) => Err(error.into()),
    }
}

/// The booking was refused by `rule`, hit by the `person`-th person: its hold goes back, and the
/// contact is told which rule and for whom, on its own channel and in the language it booked in.
async fn stopped_by_quota<S>(
    context: &Context,
    store: &S,
    bookings: &[Booking],
    request: &DetailsRequest,
    rule: QuotaExceeded,
    person: usize,
) -> Result<(), StepError>
where
    S: SeatStore + OutboxStore + ContactMessages + ?Sized,
{
    let now = context.clock.now();
    let first = &request.people[0].person;
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
    let facts = facts::household_facts(context, bookings, first.lang);
    let who = request.people.get(person).unwrap_or(&request.people[0]);
    let notice = compose::quota_notice(
        &facts,
        &first.contact,
        rule,
        &context.settings.quota,
        &format!("{} {}", who.person.name, who.person.surname),
        &my_bookings_url(context, first.lang),
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
