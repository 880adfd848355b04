use chrono::TimeZone;
use serde_json::json;

use super::*;
use crate::testing::{TestCatalogue, TestOffering, TestService};

/// `u1` offers `cie` (30 minutes, 2 desks) Monday 09:00–11:00 and `spid` on Tuesday.
fn catalogue() -> Catalogue {
    TestCatalogue::new()
        .service(TestService::new("cie"))
        .service(TestService::new("spid"))
        .offering(
            TestOffering::new("u1", "cie")
                .slot_minutes(30)
                .desks(2)
                .hours("mon", ["09:00-11:00"]),
        )
        .offering(TestOffering::new("u1", "spid").hours("tue", ["09:00-10:00"]))
        .build()
}

/// Thursday 26 November 2026, 10:00 in Rome.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap()
}

fn date(day: &str) -> NaiveDate {
    crate::dates::parse_date(day).unwrap()
}

fn offering(value: serde_json::Value) -> CatalogueEdit {
    let mut raw = json!({
        "office": "u1", "service": "cie", "slot_minutes": 30, "desks": 2,
        "hours": {"mon": ["09:00-11:00"]},
    });
    raw.as_object_mut()
        .unwrap()
        .extend(value.as_object().unwrap().clone());
    CatalogueEdit::from_json(&json!({ "offering": raw })).unwrap()
}

#[test]
fn an_office_edit_changes_it_and_its_inverse_restores_it() {
    let before = catalogue();
    let edit = CatalogueEdit::from_json(&json!({"office": {
        "id": "u1", "name": "Sportello Centro", "address": "Piazza Matteotti 27", "lat": 45.69, "lon": 9.67,
        "accessibility": {"it": "Ingresso senza gradini", "en": "Step-free entrance"},
    }}))
    .unwrap();
    let (after, inverse) = before.edited(&edit).unwrap();
    let office = &after.offices()[0];
    assert_eq!(office.name, "Sportello Centro");
    assert_eq!(office.accessibility.as_ref().unwrap().en, "Step-free entrance");
    assert!(before.seats_lost_to(&after, now()).is_empty(), "no seat changes");
    let (restored, _) = after.edited(&inverse).unwrap();
    assert_eq!(restored, before);
    assert_eq!(edit.offices(&before), vec![OfficeId::parse("u1").unwrap()]);
}

#[test]
fn changes_are_checked_by_the_catalogue_rules() {
    let issues = catalogue()
        .edited(&offering(json!({"desks": 0, "hours": {"mon": ["11:00-09:00"]}})))
        .unwrap_err();
    let fields: Vec<&str> = issues.iter().map(|issue| issue.field.as_str()).collect();
    assert!(fields.contains(&"desks"), "{issues:?}");
    assert!(fields.contains(&"hours.mon"), "{issues:?}");

    let unknown = CatalogueEdit::from_json(&json!({"office": {
        "id": "u9", "name": "X", "address": "Y", "lat": 0.0, "lon": 0.0,
    }}))
    .unwrap();
    let issues = catalogue().edited(&unknown).unwrap_err();
    assert!(issues[0].problem.contains("is not an office"), "{issues:?}");

    let typo = CatalogueEdit::from_json(&json!({"office": {"id": "u1", "nome": "X"}})).unwrap_err();
    assert!(typo[0].problem.contains("unknown field `nome`"), "{typo:?}");

    // The last offering of a service cannot go: no office would offer it.
    let gone =
        CatalogueEdit::from_json(&json!({"remove_offering": {"office": "u1", "service": "spid"}})).unwrap();
    let issues = catalogue().edited(&gone).unwrap_err();
    assert!(
        issues
            .iter()
            .any(|issue| issue.problem == "no office offers this service"),
        "{issues:?}"
    );
}

#[test]
fn hours_from_a_date_apply_from_that_date_on() {
    let edit = offering(json!({"hours_from": [
        {"from": "2026-12-14", "hours": {"mon": ["09:00-10:00"], "wed": ["14:00-15:00"]}},
    ]}));
    let (after, inverse) = catalogue().edited(&edit).unwrap();
    let cie = &after.offerings()[0];
    assert_eq!(
        after.slots_on(cie, date("2026-12-07")).len(),
        4,
        "the Monday before"
    );
    assert_eq!(after.slots_on(cie, date("2026-12-14")).len(), 2, "from the date");
    assert_eq!(after.slots_on(cie, date("2026-12-16")).len(), 2, "a new day");
    assert_eq!(after.slots_on(cie, date("2026-12-09")).len(), 0, "not before");
    assert!(matches!(inverse, CatalogueEdit::Offering(_)));

    let out_of_order = offering(json!({"hours_from": [
        {"from": "2026-12-14", "hours": {"mon": ["09:00-10:00"]}},
        {"from": "2026-12-07", "hours": {"mon": ["09:00-10:00"]}},
    ]}));
    let issues = catalogue().edited(&out_of_order).unwrap_err();
    assert_eq!(issues[0].field, "hours_from[2].from", "{issues:?}");
}

#[test]
fn seats_lost_are_the_slots_cut_and_the_desks_taken() {
    let before = catalogue();
    // From 14 December: Mondays end at 10:00, with one desk.
    let edit = offering(json!({"desks": 1, "hours_from": [
        {"from": "2026-12-14", "hours": {"mon": ["09:00-10:00"]}},
    ]}));
    let (after, _) = before.edited(&edit).unwrap();
    let lost = before.seats_lost_to(&after, now());
    // Every Monday slot loses its second desk; from the 14th the 10:00 and 10:30 slots go.
    let on = |day: &str| -> Vec<(String, u32)> {
        lost.iter()
            .filter(|closed| closed.slot.date == date(day))
            .map(|closed| (crate::dates::format_time(closed.slot.start), closed.first_seat))
            .collect()
    };
    assert_eq!(
        on("2026-11-30"),
        [("09:00", 1), ("09:30", 1), ("10:00", 1), ("10:30", 1)].map(|(t, s)| (t.to_owned(), s))
    );
    assert_eq!(
        on("2026-12-14"),
        [("09:00", 1), ("09:30", 1), ("10:00", 0), ("10:30", 0)].map(|(t, s)| (t.to_owned(), s))
    );
    assert!(
        lost.iter()
            .all(|closed| closed.desks == 2 && closed.offering.service.as_str() == "cie")
    );

    // A longer slot: no slot of the old length is offered any more.
    let (longer, _) = before.edited(&offering(json!({"slot_minutes": 60}))).unwrap();
    assert!(
        before
            .seats_lost_to(&longer, now())
            .iter()
            .all(|closed| closed.first_seat == 0)
    );
    let mondays = before.seats_lost_to(&longer, now()).len();
    assert!(mondays > 0 && mondays.is_multiple_of(4), "{mondays}");

    // More desks or a later window take nothing.
    let (more, _) = before
        .edited(&offering(json!({"desks": 3, "latest_days": 90})))
        .unwrap();
    assert!(before.seats_lost_to(&more, now()).is_empty());
}

#[test]
fn a_service_edit_concerns_every_office_offering_it() {
    let edit = CatalogueEdit::Service(
        CatalogueEdit::from_json(&json!({"service": serde_json::from_str::<serde_json::Value>(
            &catalogue().to_json()).unwrap()["services"][0].clone()}))
        .map(|edit| match edit {
            CatalogueEdit::Service(service) => service,
            _ => unreachable!(),
        })
        .unwrap(),
    );
    assert_eq!(edit.offices(&catalogue()), vec![OfficeId::parse("u1").unwrap()]);
    assert_eq!(edit.target().kind, "service");
}

#[test]
fn each_editable_part_sent_back_unchanged_changes_nothing() {
    let before = catalogue();
    let parts = before.editable_parts();
    assert_eq!(
        (parts.offices.len(), parts.services.len(), parts.offerings.len()),
        (1, 2, 2)
    );
    let changes = (parts.offices.iter().map(|(_, raw)| json!({ "office": raw })))
        .chain(parts.services.iter().map(|(_, raw)| json!({ "service": raw })))
        .chain(parts.offerings.iter().map(|(_, raw)| json!({ "offering": raw })));
    for change in changes {
        let (after, inverse) = before
            .edited(&CatalogueEdit::from_json(&change).unwrap())
            .unwrap();
        assert_eq!(after, before, "{change}");
        assert_eq!(serde_json::to_value(&inverse).unwrap(), change);
    }
}

#[test]
fn the_file_written_back_keeps_dated_hours_and_accessibility_notes() {
    let before = catalogue();
    let office = CatalogueEdit::from_json(&json!({"office": {
        "id": "u1", "name": "Ufficio", "address": "Via Roma 1", "lat": 45.0, "lon": 9.0,
        "accessibility": {"it": "Ascensore", "en": "Lift"},
    }}))
    .unwrap();
    let (with_notes, _) = before.edited(&office).unwrap();
    let dated = offering(json!({"hours_from": [{"from": "2027-01-11", "hours": {"tue": ["09:00-10:00"]}}]}));
    let (after, _) = with_notes.edited(&dated).unwrap();
    let file = after.to_toml_with(std::iter::empty());
    let back = Catalogue::from_toml("exported.toml", &file).unwrap();
    assert_eq!(back, after, "{file}");
    assert_eq!(back.offices()[0].accessibility.as_ref().unwrap().en, "Lift");
}
