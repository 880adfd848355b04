//! The fixture writes what the stores and the catalogue tests wrote out by hand.

use super::*;

/// The store's two catalogues, as its tests and benchmark wrote them out before the fixture.
#[test]
fn the_store_catalogues_are_those_the_store_wrote_out() {
    let written = |file, text| Catalogue::from_toml(file, text).unwrap();
    assert_eq!(
        TestCatalogue::store_invariants().build(),
        written("store_invariants.toml", include_str!("store_invariants.toml"))
    );
    assert_eq!(
        TestCatalogue::benchmark().build(),
        written("benchmark.toml", include_str!("benchmark.toml"))
    );
}

#[test]
fn every_field_reaches_the_catalogue() {
    let catalogue = TestCatalogue::new()
        .city_name("Comune di \"Prova\" \\ bis")
        .patron_day("06-24")
        .office(
            TestOffice::new("u2")
                .name("Ufficio 2")
                .address("Piazza Duomo 2")
                .at(-1.0, 2.5),
        )
        .service(
            TestService::new("cie")
                .named("CIE", "ID card")
                .summary("Rilascio", "Issue")
                .synonyms(["carta d'identità"])
                .terms("Una persona", "One person")
                .access_rules("Mostrare il QR", "Show the QR")
                .what_to_bring(["Foto"], ["Photo"]),
        )
        .offering(
            TestOffering::new("u1", "cie")
                .weekdays(["09:00-12:00"])
                .hours("fri", ["14:00-16:00"])
                .earliest_working_days(0)
                .latest_days(30),
        )
        .offering(TestOffering::new("u2", "cie").hours("sat", ["09:00-10:00"]))
        .closure(
            TestClosure::on("2026-12-24")
                .office("u2")
                .until("2026-12-31")
                .hours("09:00-10:00")
                .reason("Inventario"),
        )
        .build();
    assert_eq!(catalogue.city_name, "Comune di \"Prova\" \\ bis");
    let office = &catalogue.offices()[1];
    assert_eq!(
        (office.id.as_str(), office.name.as_str(), office.address.as_str()),
        ("u2", "Ufficio 2", "Piazza Duomo 2")
    );
    assert_eq!((office.lat, office.lon), (-1.0, 2.5));
    let service = &catalogue.services()[0];
    assert_eq!(service.name.en, "ID card");
    assert_eq!(service.synonyms, ["carta d'identità"]);
    assert_eq!(service.terms.en, "One person");
    assert_eq!(service.access_rules.it, "Mostrare il QR");
    assert_eq!(service.what_to_bring.en, ["Photo"]);
    let offering = &catalogue.offerings()[0];
    assert_eq!(
        (
            offering.slot_minutes,
            offering.desks,
            offering.earliest_working_days,
            offering.latest_days
        ),
        (30, 1, 0, 30)
    );
    let friday = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    assert_eq!(offering.hours.on(friday).len(), 1, "the day's hours replaced");
    let closure = &catalogue.closures()[0];
    assert_eq!(closure.to.to_string(), "2026-12-31");
    assert_eq!(closure.reason, "Inventario");
    assert!(
        catalogue
            .calendar
            .is_holiday(chrono::NaiveDate::from_ymd_opt(2026, 6, 24).unwrap())
    );
}

#[test]
fn raw_toml_is_written_last() {
    let text = TestCatalogue::new()
        .raw("[[closures]]\nfrom = \"2026-12-24\"\nreason = \"x\"\n")
        .to_toml();
    assert!(
        text.ends_with("\n[[closures]]\nfrom = \"2026-12-24\"\nreason = \"x\"\n"),
        "{text}"
    );
}
