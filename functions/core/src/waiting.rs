//! The waiting list ("Avvisami se si libera un posto"), its rules without I/O: who a freed seat
//! may be offered to, the fair draw among them, how long an offer is kept, and when a seat freed
//! by a cancellation becomes public.
//!
//! A freed seat goes first to a citizen waiting for its service, office and day who joined before
//! it was freed; among those, not first-come: a **draw**, so that a bot joining a millisecond
//! earlier gains nothing. The offered citizen has the seat held for them for
//! [`offer_lasts`] (longer by e-mail than by SMS); if they let it lapse the next draw offers it
//! again, and only when nobody is left does it return to everyone. A seat freed by a cancellation
//! waits [`PUBLIC_AFTER_CANCEL`] before it is public even with nobody waiting, so that a broker
//! who cancels at a known moment to rebook for a paying client cannot count on having it.
//! Any other freed seat is kept [`KEPT_FOR_DRAW`] for the draw, and an offer's hold outlives its
//! stated time by [`OFFER_GRACE`], so that the next draw takes the seat over before anyone can.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::catalogue::OfferingKey;
use crate::contact::Channel;
use crate::ids::{OfficeId, ServiceId};

/// How many places on waiting lists one contact may hold at once.
pub const MAX_WAITING_PER_CONTACT: usize = 3;

/// How long a seat freed by a cancellation stays out of the public's reach.
pub const PUBLIC_AFTER_CANCEL: Duration = Duration::minutes(10);

/// How long a seat freed otherwise than by a cancellation is kept from the public for the draw
/// (which takes a moment; it gives the seat back at once when nobody waits for it).
pub const KEPT_FOR_DRAW: Duration = Duration::minutes(2);

/// How long an offer's hold outlives the time the offer states: the time the next draw has to take
/// the seat over when the offer lapses.
pub const OFFER_GRACE: Duration = Duration::minutes(2);

/// A citizen's place on the waiting list: a service, the offices they can go to, a range of days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub service: ServiceId,
    pub offices: Vec<OfficeId>,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub joined_at: DateTime<Utc>,
    /// How the offer reaches them, which sets how long it is kept.
    pub channel: Channel,
}

/// Why a seat became free.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FreedBy {
    Cancelled,
    /// A hold or an unconfirmed booking ran out, a move left it, reconfirm-or-release released it.
    Other,
}

impl FreedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cancelled => "cancelled",
            Self::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Cancelled, Self::Other]
            .into_iter()
            .find(|by| by.as_str() == raw)
    }
}

/// A seat that became free at `freed_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreedSeat {
    pub offering: OfferingKey,
    pub date: NaiveDate,
    pub freed_at: DateTime<Utc>,
    pub by: FreedBy,
}

impl Waiting {
    /// Whether this place may be offered `seat`: its service, one of its offices, a day in its
    /// range, and a place taken before the seat was freed.
    pub fn wants(&self, seat: &FreedSeat) -> bool {
        self.service == seat.offering.service
            && self.offices.contains(&seat.offering.office)
            && (self.from..=self.to).contains(&seat.date)
            && self.joined_at < seat.freed_at
    }
}

/// The place `seat` is offered to: drawn uniformly with `random` among those that want it and
/// were not offered it already; `None` when nobody is left (the seat goes public). `random % n`
/// is uniform to within n / 2^64, nothing for a list of any real length.
pub fn draw<'a, T: AsRef<Waiting>>(
    places: &'a [T],
    seat: &FreedSeat,
    offered: impl Fn(&T) -> bool,
    random: u64,
) -> Option<&'a T> {
    let candidates: Vec<&T> = places
        .iter()
        .filter(|place| place.as_ref().wants(seat) && !offered(place))
        .collect();
    if candidates.is_empty() {
        return None;
    }
    Some(candidates[(random % candidates.len() as u64) as usize])
}

/// A number for [`draw`] from the OS random source (the one I/O of this crate, as for tokens): a
/// draw nobody can predict or replay.
pub fn draw_number() -> Result<u64, crate::token::TokenError> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|_| crate::token::TokenError::RandomSource)?;
    Ok(u64::from_le_bytes(bytes))
}

impl AsRef<Waiting> for Waiting {
    fn as_ref(&self) -> &Waiting {
        self
    }
}

/// How long an offer is held for the citizen: an e-mail is read later than an SMS.
pub fn offer_lasts(channel: Channel) -> Duration {
    match channel {
        Channel::Email => Duration::hours(2),
        Channel::Sms => Duration::minutes(30),
    }
}

/// From when `seat` is anyone's, with nobody waiting for it.
pub fn public_from(seat: &FreedSeat) -> DateTime<Utc> {
    match seat.by {
        FreedBy::Cancelled => seat.freed_at + PUBLIC_AFTER_CANCEL,
        FreedBy::Other => seat.freed_at,
    }
}

/// Until when `seat` is kept from the public while the waiting list is drawn: its
/// [`public_from`], and at least [`KEPT_FOR_DRAW`].
pub fn kept_until(seat: &FreedSeat) -> DateTime<Utc> {
    public_from(seat).max(seat.freed_at + KEPT_FOR_DRAW)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 5, 9, minute, 0).unwrap()
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    fn place(joined: u32) -> Waiting {
        Waiting {
            service: ServiceId::parse("cie").unwrap(),
            offices: vec![
                OfficeId::parse("ufficio-1").unwrap(),
                OfficeId::parse("ufficio-4").unwrap(),
            ],
            from: day(9),
            to: day(11),
            joined_at: at(joined),
            channel: Channel::Email,
        }
    }

    fn seat(office: &str, date: NaiveDate, freed: u32) -> FreedSeat {
        FreedSeat {
            offering: OfferingKey {
                office: OfficeId::parse(office).unwrap(),
                service: ServiceId::parse("cie").unwrap(),
            },
            date,
            freed_at: at(freed),
            by: FreedBy::Cancelled,
        }
    }

    #[test]
    fn a_place_wants_its_service_offices_and_days_freed_after_it_joined() {
        let place = place(10);
        assert!(place.wants(&seat("ufficio-4", day(11), 20)));
        assert!(!place.wants(&seat("ufficio-2", day(10), 20)), "another office");
        assert!(!place.wants(&seat("ufficio-1", day(12), 20)), "another day");
        assert!(
            !place.wants(&seat("ufficio-1", day(10), 10)),
            "freed as it joined"
        );
        let other = Waiting {
            service: ServiceId::parse("spid").unwrap(),
            ..place
        };
        assert!(!other.wants(&seat("ufficio-1", day(10), 20)), "another service");
    }

    /// 1,000 draws among 10 citizens waiting: each drawn about 100 times. Pearson's χ² over the
    /// 10 counts stays under 45 (9 degrees of freedom: a fair draw exceeds it about once in a
    /// million runs), and the random numbers come from the OS, as in production.
    #[test]
    fn the_draw_is_uniform_among_those_waiting_when_the_seat_freed() {
        let places: Vec<Waiting> = (0..10).map(place).collect();
        let freed = seat("ufficio-1", day(10), 30);
        let mut counts = [0u32; 10];
        for _ in 0..1_000 {
            let drawn = draw(&places, &freed, |_| false, draw_number().unwrap()).unwrap();
            counts[drawn.joined_at.timestamp() as usize / 60 % 60] += 1;
        }
        let chi_square: f64 = counts
            .iter()
            .map(|&count| (f64::from(count) - 100.0).powi(2) / 100.0)
            .sum();
        assert!(chi_square < 45.0, "{counts:?}: χ² = {chi_square:.1}");
        assert!(counts.iter().all(|&count| count > 0));
    }

    #[test]
    fn joining_early_gains_nothing_and_later_joiners_and_those_offered_are_left_out() {
        let places: Vec<Waiting> = [1, 2, 40].into_iter().map(place).collect();
        let freed = seat("ufficio-1", day(10), 30);
        // The one who joined first is drawn only when the number says so.
        assert_eq!(draw(&places, &freed, |_| false, 1).unwrap().joined_at, at(2));
        // Joined after the seat was freed: never drawn for it.
        for random in 0..10 {
            assert_ne!(
                draw(&places, &freed, |_| false, random).unwrap().joined_at,
                at(40)
            );
        }
        // Offered already: the next draw is among the others; nobody left: the seat goes public.
        let first_offered = |place: &Waiting| place.joined_at == at(1);
        assert_eq!(draw(&places, &freed, first_offered, 0).unwrap().joined_at, at(2));
        assert_eq!(draw(&places, &freed, |place| place.joined_at < at(30), 0), None);
    }

    #[test]
    fn an_offer_lasts_longer_by_email_and_a_cancelled_seat_waits_before_it_is_public() {
        assert!(offer_lasts(Channel::Email) > offer_lasts(Channel::Sms));
        let cancelled = seat("ufficio-1", day(10), 30);
        assert_eq!(public_from(&cancelled), at(40));
        let expired = FreedSeat {
            by: FreedBy::Other,
            ..cancelled.clone()
        };
        assert_eq!(public_from(&expired), at(30));
        assert_eq!(kept_until(&cancelled), at(40));
        assert_eq!(kept_until(&expired), at(32));
        assert_eq!(
            FreedBy::parse(FreedBy::Cancelled.as_str()),
            Some(FreedBy::Cancelled)
        );
        assert_eq!(FreedBy::parse("x"), None);
    }
}
