//! Property tests: slot generation obeys hours, holidays, closures and DST; parsing never panics.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Timelike};
use prenota_core::calendar::{MonthDay, local};
use prenota_core::catalogue::TimeRange;
use prenota_core::contact::{Contact, CountryCode, HmacKey, SmsDestinations};
use prenota_core::dates::{parse_date, parse_time};
use prenota_core::testing::{TestCatalogue, TestClosure, TestOffering, TestService};
use prenota_core::text::{Details, PersonName};
use prenota_core::{Catalogue, OfficeId, ShortCode, Token};
use proptest::prelude::*;

/// Opening ranges of one day: sorted, not overlapping, each at least `slot` minutes long.
fn day_ranges(slot: u32) -> impl Strategy<Value = Vec<(u32, u32)>> {
    prop::collection::vec((0u32..24 * 60, 0u32..6 * 60), 0..4).prop_map(move |raw| {
        let mut ranges: Vec<(u32, u32)> = Vec::new();
        let mut cursor = 0;
        let mut sorted = raw;
        sorted.sort();
        for (start, length) in sorted {
            let start = start.max(cursor);
            let end = (start + slot + length).min(24 * 60 - 1);
            if end >= start + slot {
                ranges.push((start, end));
                cursor = end;
            }
        }
        ranges
    })
}

fn hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

#[derive(Debug, Clone)]
struct Setup {
    slot_minutes: u32,
    desks: u32,
    week: Vec<Vec<(u32, u32)>>,
    closure: Option<(NaiveDate, Option<(u32, u32)>)>,
    date: NaiveDate,
}

fn setup() -> impl Strategy<Value = Setup> {
    (5u32..=120, 1u32..=5)
        .prop_flat_map(|(slot_minutes, desks)| {
            (
                Just(slot_minutes),
                Just(desks),
                prop::collection::vec(day_ranges(slot_minutes), 7),
                // Any day from 2026 to 2028, DST days and holidays included.
                0i64..(3 * 366),
                prop::option::of((0i64..10, prop::option::of((0u32..20 * 60, 1u32..240)))),
            )
        })
        .prop_map(|(slot_minutes, desks, week, offset, closure)| {
            let date = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Duration::days(offset);
            let closure = closure.map(|(shift, hours)| {
                (
                    date - Duration::days(shift % 3),
                    hours.map(|(start, length)| (start, (start + length).min(24 * 60 - 1))),
                )
            });
            Setup {
                slot_minutes,
                desks,
                week,
                closure,
                date,
            }
        })
}

fn catalogue_of(setup: &Setup) -> Catalogue {
    let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let mut offering = TestOffering::new("u1", "s")
        .slot_minutes(setup.slot_minutes)
        .desks(setup.desks);
    for (day, ranges) in days.iter().zip(&setup.week) {
        if !ranges.is_empty() {
            offering = offering.hours(
                day,
                ranges.iter().map(|(s, e)| format!("{}-{}", hhmm(*s), hhmm(*e))),
            );
        }
    }
    if setup.week.iter().all(Vec::is_empty) {
        offering = offering.hours("mon", ["09:00-12:00"]);
    }
    let mut catalogue = TestCatalogue::new()
        .service(TestService::new("s").named("Servizio", "Service"))
        .offering(offering);
    if let Some((from, hours)) = setup.closure {
        let mut closure = TestClosure::on(from)
            .until(from + Duration::days(2))
            .reason("test");
        if let Some((s, e)) = hours {
            closure = closure.hours(format!("{}-{}", hhmm(s), hhmm(e)));
        }
        catalogue = catalogue.closure(closure);
    }
    catalogue.build()
}

fn minutes(time: NaiveTime) -> u32 {
    time.hour() * 60 + time.minute()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn slots_respect_hours_holidays_closures_and_dst(setup in setup()) {
        let catalogue = catalogue_of(&setup);
        let offering = &catalogue.offerings()[0];
        let slots = catalogue.slots_on(offering, setup.date);
        let ranges = offering.hours.on(setup.date);
        let calendar = prenota_core::Calendar::new(Some(MonthDay::parse("08-26").unwrap()));
        if calendar.is_holiday(setup.date) {
            prop_assert!(slots.is_empty(), "a slot on a holiday");
        }
        for window in slots.windows(2) {
            prop_assert!(window[0].end <= window[1].start, "slots overlap: {:?}", window);
        }
        for slot in &slots {
            prop_assert_eq!(slot.date, setup.date);
            prop_assert!(ranges.iter().any(|r| r.start <= slot.start && slot.end <= r.end), "outside hours: {:?}", slot);
            prop_assert_eq!(minutes(slot.end) - minutes(slot.start), setup.slot_minutes);
            if let Some((from, hours)) = setup.closure {
                let closed_day = from <= setup.date && setup.date <= from + Duration::days(2);
                if closed_day {
                    match hours {
                        None => prop_assert!(false, "a slot on a closed day: {:?}", slot),
                        Some((s, e)) => prop_assert!(minutes(slot.end) <= s || minutes(slot.start) >= e, "in a closure: {:?}", slot),
                    }
                }
            }
            // The instants name the same wall-clock times in Rome.
            prop_assert_eq!(local(slot.starts_at).date(), slot.date);
            prop_assert_eq!(local(slot.starts_at).time(), slot.start);
            let crosses_dst_hour = minutes(slot.start) < 3 * 60 && minutes(slot.end) > 2 * 60;
            if !crosses_dst_hour {
                prop_assert_eq!(slot.ends_at - slot.starts_at, Duration::minutes(i64::from(setup.slot_minutes)));
            }
        }
        // Slots exist for every opening range slice that is not excluded.
        let closed = setup.closure.is_some_and(|(from, _)| from <= setup.date && setup.date <= from + Duration::days(2));
        let dst_day = (setup.date.month() == 3 || setup.date.month() == 10) && setup.date.weekday() == chrono::Weekday::Sun;
        if !calendar.is_holiday(setup.date) && !closed && !dst_day {
            let expected: u32 = ranges.iter().map(|r| (minutes(r.end) - minutes(r.start)) / setup.slot_minutes).sum();
            prop_assert_eq!(slots.len() as u32, expected);
        }
    }

    #[test]
    fn parsing_never_panics(raw in ".{0,300}") {
        let _ = Contact::parse(&raw);
        let _ = Contact::parse_with(&raw, &SmsDestinations::default());
        let _ = SmsDestinations::parse(&raw);
        let _ = CountryCode::of(&raw);
        let _ = CountryCode::parse(&raw);
        let _ = PersonName::parse(&raw);
        let _ = Details::parse(&raw);
        let _ = parse_date(&raw);
        let _ = parse_time(&raw);
        let _ = Token::parse(&raw);
        let _ = ShortCode::parse(&raw);
        let _ = OfficeId::parse(&raw);
        let _ = TimeRange::parse(&raw);
        let _ = MonthDay::parse(&raw);
        let _ = Catalogue::from_toml("fuzz.toml", &raw);
        let _ = Catalogue::from_json("fuzz", &raw);
    }

    #[test]
    fn phone_like_input_never_panics(raw in "[+0-9 ()./-]{0,40}") {
        if let Ok(contact) = Contact::parse(&raw) {
            // Normalised contacts parse to themselves.
            prop_assert_eq!(Contact::parse(contact.address()).unwrap(), contact.clone());
            prop_assert!(contact.address().starts_with('+'));
        }
    }

    #[test]
    fn email_like_input_normalises_once(raw in "[a-zA-Z0-9.@_+-]{1,40}") {
        if let Ok(contact) = Contact::parse(&raw) {
            prop_assert_eq!(Contact::parse(contact.address()).unwrap(), contact);
        }
    }

    #[test]
    fn by_default_sms_go_to_italian_mobiles_only(raw in "[+0-9 ]{0,20}") {
        if let Ok(contact) = Contact::parse_with(&raw, &SmsDestinations::default()) {
            prop_assert!(contact.address().starts_with("+393"), "{}", contact.address());
        }
    }

    #[test]
    fn names_are_composed_and_parse_to_themselves(raw in ".{0,80}") {
        if let Ok(name) = PersonName::parse(&raw) {
            prop_assert_eq!(PersonName::parse(name.as_str()), Ok(name.clone()));
            prop_assert!(unicode_normalization::is_nfc(name.as_str()));
        }
    }

    #[test]
    fn canonical_contacts_are_a_fixed_point(raw in "[a-zA-Z0-9.@_+-]{1,40}") {
        if let Ok(contact) = Contact::parse(&raw) {
            let canonical = contact.canonical();
            prop_assert_eq!(canonical.to_lowercase(), canonical.clone());
            if let Ok(again) = Contact::parse(&canonical) {
                prop_assert_eq!(again.canonical(), canonical);
            }
        }
    }

    #[test]
    fn a_tagged_or_dotted_address_shares_the_key_of_the_plain_one(
        mailbox in "[a-zA-Z0-9][a-zA-Z0-9_-]{0,15}",
        tag in "[a-zA-Z0-9_.+-]{0,15}",
        dots in prop::collection::vec(any::<bool>(), 16),
        domain in "(esempio\\.it|Example\\.COM|gmail\\.com|GoogleMail\\.com)",
    ) {
        let secret = HmacKey::from_bytes([7; 32]);
        let plain = Contact::parse(&format!("{mailbox}@{domain}")).unwrap();
        if let Ok(tagged) = Contact::parse(&format!("{mailbox}+{tag}@{domain}")) {
            prop_assert_eq!(tagged.key(&secret), plain.key(&secret));
            prop_assert_eq!(tagged.address(), format!("{mailbox}+{tag}@{}", domain.to_lowercase()));
        }
        let gmail = format!("{mailbox}@gmail.com");
        let dotted: String = mailbox
            .chars()
            .zip(&dots)
            .enumerate()
            .map(|(at, (c, dot))| if *dot && at > 0 { format!(".{c}") } else { c.to_string() })
            .collect();
        let dotted = Contact::parse(&format!("{dotted}@googlemail.com")).unwrap();
        prop_assert_eq!(dotted.key(&secret), Contact::parse(&gmail).unwrap().key(&secret));
    }

    #[test]
    fn search_never_panics(query in ".{0,100}") {
        let catalogue = Catalogue::from_toml("bergamo.toml", include_str!("../../../infra/catalogue/bergamo.toml")).unwrap();
        let _ = prenota_core::search::search(&catalogue, &query);
    }
}
