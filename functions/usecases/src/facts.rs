//! From a stored booking to the facts that messages and pages say about it.

use prenota_core::BookingState;
use prenota_core::catalogue::Lang;
use prenota_notify::BookingFacts;
use prenota_notify::facts::HouseholdMember;
use prenota_store::{Booking, Person};

use crate::Context;

/// The facts of a booking in `lang`, about `person` when given, else the booking's own person. A
/// catalogue item removed since the booking was made is named by its id rather than dropped.
pub fn facts(context: &Context, booking: &Booking, person: Option<&Person>, lang: Lang) -> BookingFacts {
    let catalogue = &context.catalogue();
    let office = catalogue.office(&booking.offering.office);
    let service = catalogue.service(&booking.offering.service);
    let person = person.or(booking.person.as_ref());
    BookingFacts {
        lang,
        city: catalogue.city_name.clone(),
        booking_id: booking.id.to_string(),
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
        confirm_by: (booking.state == BookingState::Pending)
            .then_some(booking.expires_at)
            .flatten(),
        household: Vec::new(),
    }
}

/// The facts of a household's bookings (in order) in `lang`: the first one's, with everyone
/// listed; for one booking, its facts.
pub fn household_facts(context: &Context, bookings: &[Booking], lang: Lang) -> BookingFacts {
    let mut facts = facts(context, &bookings[0], None, lang);
    if bookings.len() > 1 {
        facts.household = bookings
            .iter()
            .map(|booking| HouseholdMember {
                name: booking
                    .person
                    .as_ref()
                    .map(|person| format!("{} {}", person.name, person.surname)),
                start: booking.start,
                end: booking.end,
                page_url: None,
            })
            .collect();
    }
    facts
}
