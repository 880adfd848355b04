//! What a household booking ("Aggiungi un'altra persona") shares across the use cases: finding
//! its people's bookings, and the one "confirmed" message that lists them all.

use chrono::{DateTime, Utc};
use prenota_core::Token;
use prenota_notify::compose::{self, ConfirmedMember};
use prenota_store::{Booking, BookingStore, MessageKind, OutboxMessage, StoreError, household_ids};

use crate::{Context, Failure, facts, links, outbox};

/// The bookings of `booking`'s household in order, `booking` among them; `[booking]` for a
/// booking of one person.
pub async fn members(
    bookings: &(impl BookingStore + ?Sized),
    booking: &Booking,
    now: DateTime<Utc>,
) -> Result<Vec<Booking>, StoreError> {
    let Some(household) = booking.household.as_ref() else {
        return Ok(vec![booking.clone()]);
    };
    let mut members = Vec::with_capacity(household.size as usize);
    for id in household_ids(&household.lead, household.size) {
        members.push(if id == booking.id {
            booking.clone()
        } else {
            bookings.booking_by_hold(&id.hold(), now).await?
        });
    }
    Ok(members)
}

/// What a booking's page lists of its household: everyone in order, each with their own page's
/// link (whoever holds one page of a household reaches the others: they share one contact).
pub async fn listed(
    context: &Context,
    bookings: &(impl BookingStore + ?Sized),
    booking: &Booking,
    lang: prenota_core::catalogue::Lang,
) -> Result<Vec<prenota_notify::facts::HouseholdMember>, Failure> {
    if booking.household.is_none() {
        return Ok(Vec::new());
    }
    let members = members(bookings, booking, context.clock.now()).await?;
    let mut listed = facts::household_facts(context, &members, lang).household;
    for (member, entry) in members.iter().zip(&mut listed) {
        entry.page_url = Some(links::page_url(
            context,
            &links::page_code(context, &member.id),
            lang,
        ));
    }
    Ok(listed)
}

/// The one "bookings confirmed" message of a household, each person with their page (`page_codes`
/// in the same order) and QR code, in the language they booked in.
pub(crate) fn confirmed_message(
    context: &Context,
    members: &[Booking],
    page_codes: &[Token],
    now: DateTime<Utc>,
) -> Result<Option<OutboxMessage>, Failure> {
    let Some(person) = members[0].person.as_ref() else {
        return Ok(None);
    };
    let lang = person.lang;
    let mut parts = Vec::with_capacity(members.len());
    for (member, page_code) in members.iter().zip(page_codes) {
        // The short code is set at the details step; the check-in token needs it.
        let Some(checkin) = links::checkin_token(context, member) else {
            return Ok(None);
        };
        let mut member_facts = facts::facts(context, member, None, lang);
        member_facts.household = facts::household_facts(context, members, lang).household;
        parts.push((member_facts, links::page_url(context, page_code, lang), checkin));
    }
    let confirmed: Vec<ConfirmedMember<'_>> = parts
        .iter()
        .map(|(facts, page_url, checkin)| ConfirmedMember {
            facts,
            page_url,
            checkin_token: checkin,
        })
        .collect();
    let message = compose::household_confirmed(&confirmed, &person.contact);
    outbox::citizen(MessageKind::BookingConfirmed, message, now).map(Some)
}
