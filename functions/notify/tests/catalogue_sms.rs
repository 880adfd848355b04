//! Every SMS of every offering of Bergamo's catalogue, in both languages, is one GSM-7 segment.
//! `cargo test -p prenota-notify --test catalogue_sms -- --nocapture` prints the count.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use prenota_core::Catalogue;
use prenota_core::catalogue::Lang;
use prenota_core::contact::Contact;
use prenota_core::quota::{QuotaExceeded, QuotaPolicy};
use prenota_notify::compose::{ConfirmedMember, WaitingFacts};
use prenota_notify::facts::HouseholdMember;
use prenota_notify::message::Message;
use prenota_notify::{BookingFacts, compose, sms};

/// The longest link a message carries: the public host of Bergamo plus a 22-character code.
const LINK: &str = "https://prenota.comune.bergamo.it/p/AbCdEfGhIjKlMnOpQrStUv";
/// "Le mie prenotazioni" in English, the longer of the two.
/// A long name, as a household's second person may have.
const PERSON: &str = "Maria Antonietta Bergamaschi Colleoni";
const POLICY: QuotaPolicy = QuotaPolicy {
    max_active: 3,
    max_per_service_day: 1,
    max_active_per_contact: 8,
    max_people: 4,
};
const MY_BOOKINGS: &str = "https://prenota.comune.bergamo.it/?view=my-bookings&lang=en";
/// A waiting-list offer's link: the wizard, its hold's code after `#offerta=`.
const OFFER: &str = "https://prenota.comune.bergamo.it/?lang=en#offerta=AbCdEfGhIjKlMnOpQrStUv";
/// A place's link on the waiting list.
const PLACE: &str = "https://prenota.comune.bergamo.it/w/AbCdEfGhIjKlMnOpQrStUv?lang=en";

#[test]
fn every_confirmation_sms_of_the_catalogue_is_one_segment() {
    let catalogue = Catalogue::from_toml(
        "bergamo.toml",
        include_str!("../../../infra/catalogue/bergamo.toml"),
    )
    .unwrap();
    let contact = Contact::parse("333 123 4567").unwrap();
    let date = NaiveDate::from_ymd_opt(2026, 12, 23).unwrap();
    let mut checked = 0;
    for offering in catalogue.offerings() {
        let office = catalogue.office(&offering.key.office).unwrap();
        let service = catalogue.service(&offering.key.service).unwrap();
        for lang in [Lang::It, Lang::En] {
            // The latest slot of the day has the longest times ("17:45–18:00").
            let slot = catalogue.slots_on(offering, date).pop().unwrap_or_else(|| {
                let monday = NaiveDate::from_ymd_opt(2026, 12, 21).unwrap();
                (0..7)
                    .find_map(|d| catalogue.slots_on(offering, monday + Duration::days(d)).pop())
                    .unwrap()
            });
            let facts = BookingFacts {
                lang,
                city: catalogue.city_name.clone(),
                booking_id: "0".repeat(64),
                short_code: "K7MX4QPR".into(),
                person_name: Some("Maria Grazia Dell'Acqua-Bernasconi".into()),
                service_name: service.name.get(lang).to_owned(),
                office_name: office.name.clone(),
                office_address: office.address.clone(),
                office_lat: office.lat,
                office_lon: office.lon,
                date: slot.date,
                start: slot.start,
                end: slot.end,
                starts_at: slot.starts_at,
                ends_at: slot.ends_at,
                terms: service.terms.get(lang).to_owned(),
                access_rules: service.access_rules.get(lang).to_owned(),
                what_to_bring: service.what_to_bring.get(lang).to_vec(),
                confirm_by: None,
                household: Vec::new(),
            };
            let deadline = Utc.with_ymd_and_hms(2026, 12, 22, 16, 45, 0).unwrap();
            let to_confirm = BookingFacts {
                confirm_by: Some(deadline),
                ..facts.clone()
            };
            // A household of four, its names as long as names get.
            let member = HouseholdMember {
                name: Some(PERSON.to_owned()),
                start: facts.start,
                end: facts.end,
                page_url: None,
            };
            let household = BookingFacts {
                household: vec![member; 4],
                ..facts.clone()
            };
            // Waiting at every office that offers the service, over the longest days' names.
            let waiting = WaitingFacts {
                lang,
                city: catalogue.city_name.clone(),
                service_name: service.name.get(lang).to_owned(),
                office_names: catalogue
                    .offerings_of(&offering.key.service)
                    .filter_map(|other| catalogue.office(&other.key.office))
                    .map(|office| office.name.clone())
                    .collect(),
                from: NaiveDate::from_ymd_opt(2026, 12, 23).unwrap(),
                to: NaiveDate::from_ymd_opt(2027, 2, 17).unwrap(),
            };
            let messages = [
                compose::waiting_confirm(&waiting, &contact, PLACE, deadline),
                compose::waiting_offer(&facts, &contact, OFFER, deadline),
                compose::confirmation_request(&facts, &contact, LINK, deadline),
                compose::booking_confirmed(&facts, &contact, LINK, "PRN1.x.y"),
                compose::booking_moved(&facts, &contact, LINK, "PRN1.x.y"),
                compose::reconfirm_request(&facts, &contact, LINK, deadline),
                compose::released_notice(&facts, &contact, "https://prenota.comune.bergamo.it/"),
                compose::displaced_notice(&facts, &contact, LINK, "Sciopero del personale"),
                compose::cancellation_notice(&facts, &contact, "https://prenota.comune.bergamo.it/"),
                compose::reminder(&facts, &contact, LINK),
                compose::quota_notice(
                    &facts,
                    &contact,
                    QuotaExceeded::Active,
                    &POLICY,
                    PERSON,
                    MY_BOOKINGS,
                ),
                compose::quota_notice(
                    &facts,
                    &contact,
                    QuotaExceeded::ServiceDay,
                    &POLICY,
                    PERSON,
                    MY_BOOKINGS,
                ),
                compose::quota_notice(
                    &facts,
                    &contact,
                    QuotaExceeded::ContactActive,
                    &POLICY,
                    PERSON,
                    MY_BOOKINGS,
                ),
                compose::bookings_list(lang, &contact, &[(to_confirm, LINK.to_owned())], MY_BOOKINGS),
                compose::confirmation_request(&household, &contact, LINK, deadline),
                compose::household_confirmed(
                    &[ConfirmedMember {
                        facts: &household,
                        page_url: LINK,
                        checkin_token: "PRN1.x.y",
                    }; 4],
                    &contact,
                ),
            ];
            for message in messages {
                let Message::Sms(sms) = message else {
                    panic!("an SMS contact gets SMS")
                };
                assert_eq!(
                    sms::segments(&sms.text),
                    Some(1),
                    "{} × {}: {:?}",
                    office.id,
                    service.id,
                    sms.text
                );
                checked += 1;
            }
        }
    }
    println!("{checked} SMS checked: all one GSM-7 segment");
    assert_eq!(checked, catalogue.offerings().len() * 2 * 16);
}
