//! "Utente senza prenotazione": a clerk books a citizen at the counter or on the phone, in the
//! next free slot from now or in a chosen one, with the desks kept from online booking open to
//! it (`desks` rather than `desks_online`). No quota and no confirmation link: staff decide. A
//! walk-in without a contact is anonymous (the ticket is all the counter needs); with one, its
//! name and contact are kept like an online booking's and the booking page's link is sent.

use chrono::{Duration, NaiveDate, NaiveTime};
use prenota_core::audit::AuditAction;
use prenota_core::counter::{CounterRules, TicketSeries};
use prenota_core::staff::{StaffAction, StaffIdentity};
use prenota_core::{BookingState, OfferingKey, OfficeId, ServiceId, ShortCode, Token};
use prenota_store::{AgendaEntry, BookingStore, CounterBooking, HoldRequest, Person, SeatStore, StoreError};

use crate::confirm::confirmed_message;
use crate::counter::{CounterRefusal, CounterStores, allow, audit, shown, today};
use crate::{Context, Failure, reminders};

/// How long the counter's own hold lasts between taking the seat and confirming it.
const COUNTER_HOLD: Duration = Duration::minutes(2);

#[derive(Debug)]
pub struct WalkIn {
    pub service: ServiceId,
    /// Today when `None`.
    pub date: Option<NaiveDate>,
    /// The next free slot from now when `None`.
    pub start: Option<NaiveTime>,
    /// Name and contact, when the citizen gives them (a phone booking does).
    pub person: Option<Person>,
    /// Checked in at once (someone at the counter), or not (on the phone; never for another day).
    pub check_in: bool,
}

/// Why a walk-in could not be booked, besides the counter's own refusals.
#[derive(Debug, thiserror::Error)]
pub enum WalkInError {
    #[error("this office does not offer this service")]
    NotOffered,
    #[error("the offering has no slot at that time, or it has ended")]
    NoSuchSlot,
    #[error("the slot is full")]
    SlotTaken,
    #[error("no free slot is left today")]
    NoFreeSlot,
    #[error(transparent)]
    Counter(#[from] CounterRefusal),
}

impl From<StoreError> for WalkInError {
    fn from(error: StoreError) -> Self {
        Self::Counter(error.into())
    }
}

impl From<Failure> for WalkInError {
    fn from(failure: Failure) -> Self {
        Self::Counter(failure.into())
    }
}

/// Books a walk-in at `office` and, if asked, checks it in with an `S` ticket.
pub async fn walk_in<S>(
    context: &Context,
    store: &S,
    identity: &StaffIdentity,
    office: &OfficeId,
    request: WalkIn,
) -> Result<AgendaEntry, WalkInError>
where
    S: SeatStore + BookingStore + CounterStores + ?Sized,
{
    allow(identity, StaffAction::Counter, office, context)?;
    let key = OfferingKey {
        office: office.clone(),
        service: request.service.clone(),
    };
    let catalogue = context.catalogue();
    let offering = catalogue.offering(&key).ok_or(WalkInError::NotOffered)?;
    let (now, today) = today(context);
    let date = request.date.unwrap_or(today);
    let open: Vec<_> = catalogue
        .slots_on(offering, date)
        .into_iter()
        .filter(|slot| slot.ends_at > now && request.start.is_none_or(|start| slot.start == start))
        .collect();
    if open.is_empty() {
        return Err(if request.start.is_some() {
            WalkInError::NoSuchSlot
        } else {
            WalkInError::NoFreeSlot
        });
    }
    // The first slot with a seat left, all desks counted.
    let hold = Token::generate().map_err(Failure::from)?;
    let mut held = None;
    for slot in open {
        let hold_request =
            HoldRequest::one(hold.hash(), key.clone(), slot, offering.desks, now + COUNTER_HOLD);
        match store.hold(&hold_request, now).await {
            Ok(()) => {
                held = Some(hold_request);
                break;
            }
            Err(StoreError::SlotTaken) => continue,
            Err(other) => return Err(other.into()),
        }
    }
    if held.is_none() {
        return Err(if request.start.is_some() {
            WalkInError::SlotTaken
        } else {
            WalkInError::NoFreeSlot
        });
    }
    let mut booking = store.booking_by_hold(&hold.hash(), now).await?;
    let short_code = ShortCode::generate().map_err(Failure::from)?;
    booking.short_code = Some(short_code.clone());
    booking.state = BookingState::Confirmed;
    booking.person = request.person.clone();
    let (page_code, messages) = match &request.person {
        None => (None, Vec::new()),
        Some(_) => {
            let page_code = Token::generate().map_err(Failure::from)?;
            let messages = confirmed_message(context, &booking, &page_code, now)?
                .into_iter()
                .chain(reminders::schedule(context, &booking, now)?)
                .collect();
            (Some(page_code.hash()), messages)
        }
    };
    let counter_booking = CounterBooking {
        hold: hold.hash(),
        short_code: short_code.clone(),
        contact_key: request
            .person
            .as_ref()
            .map(|person| person.contact.key(&context.secrets.hmac)),
        person: request.person,
        page_code,
        erase_after: booking.ends_at + context.settings.retention,
        messages,
    };
    store.book_at_counter(&counter_booking, now).await?;
    audit(
        context,
        store,
        identity,
        AuditAction::WalkIn,
        office,
        Some(&short_code),
        now,
    )
    .await?;
    let entry = if request.check_in && date == today {
        // Here now, whatever the slot's time today: the window of arrival is for appointments.
        let rules = CounterRules {
            early: Duration::days(1),
            late: Duration::days(1),
            ..context.settings.counter_rules
        };
        store
            .check_in(&short_code, TicketSeries::WalkIn, &rules, now)
            .await?
            .entry
    } else {
        store.agenda_entry(&short_code, now).await?
    };
    Ok(shown(context, entry, today))
}
