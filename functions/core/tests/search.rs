//! Service search on Bergamo's real catalogue.

use prenota_core::Catalogue;
use prenota_core::search::search;

fn bergamo() -> Catalogue {
    Catalogue::from_toml(
        "bergamo.toml",
        include_str!("../../../infra/catalogue/bergamo.toml"),
    )
    .unwrap()
}

fn first(query: &str) -> String {
    let catalogue = bergamo();
    search(&catalogue, query)
        .first()
        .map(|service| service.id.to_string())
        .unwrap_or_default()
}

#[test]
fn identity_card_is_found_every_way_a_citizen_writes_it() {
    for query in [
        "carta d'identità",
        "carta identita",
        "CIE",
        "cie",
        "Carta D'IDENTITA'",
        "identità carta",
        "identity card",
    ] {
        assert_eq!(first(query), "cie", "{query}");
    }
}

#[test]
fn other_services_by_name_and_synonym() {
    assert_eq!(first("spid"), "spid");
    assert_eq!(first("identità digitale"), "spid");
    assert_eq!(first("autentica firma"), "autentiche");
    assert_eq!(first("residenza"), "cambio-residenza");
}

#[test]
fn an_empty_query_lists_everything_and_nonsense_finds_nothing() {
    let catalogue = bergamo();
    assert_eq!(search(&catalogue, "  ").len(), catalogue.services().len());
    assert!(search(&catalogue, "zzzz qqqq").is_empty());
    // Every query word must match: "carta" alone matches more than "carta zzzz".
    assert!(search(&catalogue, "carta zzzz").is_empty());
}

#[test]
fn the_bergamo_catalogue_is_as_the_seed_says() {
    let catalogue = bergamo();
    assert_eq!(catalogue.offices().len(), 4);
    assert!(catalogue.services().len() >= 10);
    let addresses: Vec<&str> = catalogue.offices().iter().map(|o| o.address.as_str()).collect();
    for street in [
        "Monte Grappa, 1/E",
        "Camozzi, 138",
        "Torquato Tasso, 28",
        "Verdi, 3",
    ] {
        assert!(
            addresses.iter().any(|a| a.contains(street)),
            "{street} in {addresses:?}"
        );
    }
    let spid_offices = catalogue
        .offerings_of(&prenota_core::ServiceId::parse("spid").unwrap())
        .count();
    assert_eq!(spid_offices, 4);
    let desks: std::collections::BTreeSet<u32> = catalogue.offerings().iter().map(|o| o.desks).collect();
    assert!(desks.len() > 1, "desks differ between offerings");
    assert!(catalogue.offerings().len() < catalogue.offices().len() * catalogue.services().len());
}
