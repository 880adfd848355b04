//! A household booking ("Aggiungi un'altra persona"): one flow and one contact book up to
//! [`QuotaPolicy::max_people`](crate::QuotaPolicy) people, each with a booking of their own.
//!
//! The seats rule: everyone sits in the chosen time when it has enough free seats; otherwise the
//! chosen time's free seats are taken, then those of the times that immediately follow it (each
//! starting when the one before ends) on the same day at the same office, as few times as
//! possible — all or none. A break in the day (lunch, closing) ends the run.

use chrono::NaiveTime;
use serde::Serialize;

use crate::contact::{ContactKey, HmacKey};
use crate::ids::BookingId;
use crate::slots::{FreeSlot, Slot};
use crate::text::PersonName;

/// Where one booking stands in its household: the first person's booking (the lead, whose
/// confirmation code confirms them all), this booking's place and how many they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HouseholdSeat {
    pub lead: BookingId,
    /// 0 for the lead.
    pub seat: u32,
    pub size: u32,
}

/// The seat of each person, in order, for `people` people choosing the slot at `start` of a day
/// whose bookable slots are `slots` (in order) and whose free seats `free` says; `None` when the
/// rule above cannot seat them all.
pub fn plan_seats(
    slots: &[Slot],
    free: impl Fn(NaiveTime) -> u32,
    start: NaiveTime,
    people: u32,
) -> Option<Vec<Slot>> {
    let first = slots.iter().position(|slot| slot.start == start)?;
    let mut seats = Vec::with_capacity(people as usize);
    let mut previous_end = None;
    for slot in &slots[first..] {
        if previous_end.is_some_and(|end| end != slot.start) {
            return None;
        }
        let wanted = people - seats.len() as u32;
        let taken = free(slot.start).min(wanted);
        if taken == 0 {
            // The chosen time must seat the first person; a full time in between breaks the run.
            return None;
        }
        seats.extend(std::iter::repeat_n(slot.clone(), taken as usize));
        if seats.len() as u32 == people {
            return Some(seats);
        }
        previous_end = Some(slot.end);
    }
    None
}

/// [`plan_seats`] over a day's free slots (a slot missing from `free` is full, and so breaks a
/// run like a pause does).
pub fn plan_seats_among(free: &[FreeSlot], start: NaiveTime, people: u32) -> Option<Vec<Slot>> {
    let slots: Vec<Slot> = free.iter().map(|free| free.slot.clone()).collect();
    let seats_at = |start: NaiveTime| {
        free.iter()
            .find(|free| free.slot.start == start)
            .map_or(0, |free| free.free_seats)
    };
    plan_seats(&slots, seats_at, start, people)
}

/// Who a booking is for within its contact, for the quotas that count people (one booking per
/// person, service and day; a few active per person): a keyed hash of the contact and the name,
/// folded so that "Maria  ROSSI" and "maria rossi" are one person. Keyed like the contact's key,
/// so that a leaked table cannot be matched against a list of names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct PersonKey(String);

impl PersonKey {
    pub fn of(contact: &ContactKey, name: &PersonName, surname: &PersonName, secret: &HmacKey) -> Self {
        let folded = format!(
            "{}\0{}\0{}",
            contact.as_str(),
            name.as_str().to_lowercase(),
            surname.as_str().to_lowercase()
        );
        Self(secret.derive_token_from("person", folded.as_bytes()).encode())
    }

    /// For adapters reading a key back from storage.
    pub fn from_stored(key: String) -> Self {
        Self(key)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};

    use super::*;

    fn slot(start: &str, end: &str) -> Slot {
        let date = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let (start, end) = (time(start), time(end));
        Slot {
            date,
            start,
            end,
            starts_at: Utc.from_utc_datetime(&date.and_time(start)),
            ends_at: Utc.from_utc_datetime(&date.and_time(end)),
        }
    }

    fn time(raw: &str) -> NaiveTime {
        NaiveTime::parse_from_str(raw, "%H:%M").unwrap()
    }

    /// A morning of 20-minute slots with a break at 10:00 (a closed desk hour) and its free seats.
    fn day() -> (Vec<Slot>, impl Fn(NaiveTime) -> u32) {
        let slots = vec![
            slot("09:00", "09:20"),
            slot("09:20", "09:40"),
            slot("09:40", "10:00"),
            slot("11:00", "11:20"),
        ];
        let free = |start: NaiveTime| match start.format("%H:%M").to_string().as_str() {
            "09:00" => 3,
            "09:20" => 1,
            "09:40" => 2,
            "11:00" => 4,
            _ => 0,
        };
        (slots, free)
    }

    fn starts(seats: &[Slot]) -> Vec<String> {
        seats
            .iter()
            .map(|s| s.start.format("%H:%M").to_string())
            .collect()
    }

    #[test]
    fn everyone_sits_in_the_chosen_time_when_it_has_room() {
        let (slots, free) = day();
        let seats = plan_seats(&slots, &free, time("09:00"), 3).unwrap();
        assert_eq!(starts(&seats), ["09:00", "09:00", "09:00"]);
    }

    #[test]
    fn the_rest_sit_in_the_times_that_follow() {
        let (slots, free) = day();
        let seats = plan_seats(&slots, &free, time("09:00"), 4).unwrap();
        assert_eq!(starts(&seats), ["09:00", "09:00", "09:00", "09:20"]);
        let seats = plan_seats(&slots, &free, time("09:20"), 3).unwrap();
        assert_eq!(starts(&seats), ["09:20", "09:40", "09:40"]);
    }

    #[test]
    fn a_break_or_a_full_time_ends_the_run_and_nobody_is_seated() {
        let (slots, free) = day();
        // 09:40 has 2, then the break before 11:00.
        assert_eq!(plan_seats(&slots, &free, time("09:40"), 3), None);
        // Beyond the day's last slot.
        assert_eq!(plan_seats(&slots, &free, time("11:00"), 5), None);
        let full_between = |start: NaiveTime| if start == time("09:20") { 0 } else { 1 };
        assert_eq!(plan_seats(&slots, full_between, time("09:00"), 2), None);
        // The chosen time itself full, or not a slot of the day.
        assert_eq!(plan_seats(&slots, |_| 0, time("09:00"), 1), None);
        assert_eq!(plan_seats(&slots, &free, time("09:10"), 1), None);
    }

    #[test]
    fn one_person_is_the_chosen_time() {
        let (slots, free) = day();
        assert_eq!(
            starts(&plan_seats(&slots, &free, time("11:00"), 1).unwrap()),
            ["11:00"]
        );
    }

    #[test]
    fn a_person_is_the_same_whatever_the_case_and_spacing_of_the_name() {
        let secret = HmacKey::from_bytes([7; 32]);
        let contact = ContactKey::from_stored("c1".into());
        let name = |raw: &str| PersonName::parse(raw).unwrap();
        let maria = PersonKey::of(&contact, &name("Maria"), &name("Rossi"), &secret);
        assert_eq!(
            maria,
            PersonKey::of(&contact, &name("MARIA"), &name(" rossi "), &secret)
        );
        assert_ne!(
            maria,
            PersonKey::of(&contact, &name("Marco"), &name("Rossi"), &secret)
        );
        let other_contact = ContactKey::from_stored("c2".into());
        assert_ne!(
            maria,
            PersonKey::of(&other_contact, &name("Maria"), &name("Rossi"), &secret)
        );
        assert_ne!(
            maria,
            PersonKey::of(
                &contact,
                &name("Maria"),
                &name("Rossi"),
                &HmacKey::from_bytes([8; 32])
            )
        );
    }
}
