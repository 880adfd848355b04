//! Staff's changes of the catalogue on every store: an import raises the version and is
//! remembered; a change is saved only over the version its author read (two at once: one wins,
//! nothing of the other is written), with its history entry, in the same change as the seats it
//! takes — bookings on its removed slots displaced with their messages, free seats held until
//! every server reads the new catalogue, then free again; a retry saves nothing twice; seats kept
//! for its displaced citizens under its id.

#[macro_use]
mod support;

use std::sync::Arc;

use chrono::Duration;
use prenota_core::catalogue::{CatalogueEdit, Localized, TimeRange};
use prenota_core::closure::ClosedSlot;
use prenota_core::{BookingState, Catalogue, OfficeId};
use prenota_store::{
    CatalogueChange, CatalogueSave, CloseRequest, EDIT_GUARD, PrioritySeat, Saving, Store, StoreError,
    imported_hash,
};
use support::{book_confirmed, catalogue, displacements, monday, now, offering, slot, time};

/// `service` at u1 with `desks`, open on weekdays during `hours`.
fn offering_edit(service: &str, desks: u32, hours: &str) -> CatalogueEdit {
    let days: serde_json::Map<String, serde_json::Value> = ["mon", "tue", "wed", "thu", "fri"]
        .into_iter()
        .map(|day| (day.to_owned(), serde_json::json!([hours])))
        .collect();
    CatalogueEdit::from_json(&serde_json::json!({"offering": {
        "office": "u1", "service": service, "slot_minutes": 15, "desks": desks, "hours": days,
    }}))
    .unwrap()
}

/// spid (one desk) opens at 10:00 rather than 09:00.
fn spid_later() -> (Catalogue, CatalogueEdit, CatalogueEdit) {
    let edit = offering_edit("spid", 1, "10:00-12:00");
    let (edited, inverse) = catalogue().edited(&edit).unwrap();
    (edited, edit, inverse)
}

/// The slots of `service` on Monday from 09:00 to 10:00, with their seats from `first_seat` on.
fn monday_morning(service: &str, first_seat: u32) -> Vec<ClosedSlot> {
    let catalogue = catalogue();
    let offering = catalogue.offering(&offering(service)).unwrap();
    let hours = TimeRange::parse("09:00-10:00").unwrap();
    catalogue
        .slots_on(offering, monday())
        .into_iter()
        .filter(|slot| slot.start >= hours.start && slot.end <= hours.end)
        .map(|slot| ClosedSlot {
            offering: offering.key.clone(),
            slot,
            desks: offering.desks,
            first_seat,
        })
        .collect()
}

fn change(id: &str, edit: &CatalogueEdit, inverse: &CatalogueEdit, version: u64) -> CatalogueChange {
    CatalogueChange {
        id: id.to_owned(),
        version,
        at: now(),
        by: "capo@comune.example".into(),
        offices: vec![OfficeId::parse("u1").unwrap()],
        kind: "offering".into(),
        edit: serde_json::to_string(edit).unwrap(),
        inverse: serde_json::to_string(inverse).unwrap(),
        displaced: Vec::new(),
        reason: Some(Localized {
            it: "Servizio sospeso".into(),
            en: "Service suspended".into(),
        }),
        undoes: None,
    }
}

fn request(save: CatalogueSave, slots: Vec<ClosedSlot>, found: &[prenota_store::Booking]) -> CloseRequest {
    CloseRequest {
        saving: Saving::Catalogue(Box::new(save)),
        slots,
        displacements: displacements(found),
    }
}

/// When spid opens on Monday in `catalogue`.
fn opening(catalogue: &Catalogue) -> String {
    let spid = catalogue.offering(&offering("spid")).unwrap();
    prenota_core::dates::format_time(catalogue.slots_on(spid, monday())[0].start)
}

async fn taken<S: Store + ?Sized>(
    store: &S,
    service: &str,
    start: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> u32 {
    let days = store
        .taken_seats(&offering(service), &[monday()], at)
        .await
        .unwrap();
    days.get(&monday())
        .and_then(|day| day.get(&time(start)).copied())
        .unwrap_or(0)
}

const FIRST: &str = "11111111111111111111111111111111";
const SECOND: &str = "22222222222222222222222222222222";

async fn a_change_is_saved_over_its_version_with_its_seats<S: Store + 'static>(store: Arc<S>) {
    assert!(store.stored_catalogue().await.unwrap().is_none());
    store.put_catalogue(&catalogue()).await.unwrap();
    let stored = store.stored_catalogue().await.unwrap().unwrap();
    assert_eq!(stored.version, 1);
    assert_eq!(
        stored.imported.as_deref(),
        Some(imported_hash(&catalogue()).as_str())
    );

    // Anna booked spid at 09:00; the change removes spid.
    let (anna, _) = book_confirmed(&*store, "spid", monday(), "09:00", "anna@example.it").await;
    let (edited, edit, inverse) = spid_later();
    let slots = monday_morning("spid", 0);
    let found = store.bookings_at(&slots, now()).await.unwrap();
    assert_eq!(found.len(), 1);
    let mut first = change(FIRST, &edit, &inverse, 2);
    first.displaced = vec![anna.clone()];
    let save = CatalogueSave {
        expected_version: 1,
        catalogue: edited.clone(),
        change: first.clone(),
    };
    let saving = request(save, slots.clone(), &found);
    let closed = store.close(&saving, now()).await.unwrap();
    assert_eq!(closed.displaced.len(), 1);
    assert_eq!(closed.displaced[0].id, anna);
    assert_eq!(closed.displaced[0].state, BookingState::Displaced);

    let stored = store.stored_catalogue().await.unwrap().unwrap();
    assert_eq!(stored.version, 2);
    assert_eq!(opening(&stored.catalogue), "10:00");
    assert_eq!(store.catalogue_changes(10).await.unwrap(), vec![first.clone()]);

    // Every seat of the removed slots is taken, the free ones only until every server reads the
    // new catalogue.
    for start in ["09:15", "09:30", "09:45"] {
        assert_eq!(taken(&*store, "spid", start, now()).await, 1, "{start}");
        let later = now() + EDIT_GUARD + Duration::seconds(1);
        assert_eq!(taken(&*store, "spid", start, later).await, 0, "{start}");
    }
    assert_eq!(
        taken(&*store, "spid", "09:00", now() + EDIT_GUARD * 2).await,
        1,
        "Anna's, displaced"
    );

    // Saved again (a retry): nothing more.
    let again = store.close(&saving, now()).await.unwrap();
    assert!(again.displaced.is_empty());
    assert_eq!(store.stored_catalogue().await.unwrap().unwrap().version, 2);
    assert_eq!(store.catalogue_changes(10).await.unwrap().len(), 1);

    // Over the old version: refused, nothing written.
    let stale = CatalogueSave {
        expected_version: 1,
        catalogue: catalogue(),
        change: change(SECOND, &inverse, &edit, 2),
    };
    assert!(matches!(
        store.close(&request(stale, Vec::new(), &[]), now()).await,
        Err(StoreError::CatalogueChanged)
    ));
    let stored = store.stored_catalogue().await.unwrap().unwrap();
    assert_eq!(stored.version, 2);
    assert_eq!(opening(&stored.catalogue), "10:00");
    assert_eq!(store.catalogue_changes(10).await.unwrap().len(), 1);

    // The displaced citizen's priority: a seat kept under the change's id, found again by it.
    let tuesday = monday() + Duration::days(1);
    let seat = PrioritySeat {
        offering: offering("spid"),
        slot: slot("spid", tuesday, "10:00"),
        capacity: 1,
        until: now() + Duration::hours(48),
    };
    assert_eq!(store.keep_for_displaced(FIRST, &[seat], now()).await.unwrap(), 1);
    let kept = store
        .kept_for_displaced(FIRST, &offering("spid"), now())
        .await
        .unwrap();
    assert_eq!(
        kept.get(&tuesday).and_then(|day| day.get(&time("10:00"))),
        Some(&1)
    );
    let none = store
        .kept_for_displaced(SECOND, &offering("spid"), now())
        .await
        .unwrap();
    assert!(none.is_empty(), "{none:?}");

    // An import is a version too: a change read before it is refused.
    store.put_catalogue(&catalogue()).await.unwrap();
    let before_import = CatalogueSave {
        expected_version: 2,
        catalogue: edited,
        change: change(SECOND, &edit, &inverse, 3),
    };
    assert!(matches!(
        store.close(&request(before_import, Vec::new(), &[]), now()).await,
        Err(StoreError::CatalogueChanged)
    ));
    assert_eq!(store.stored_catalogue().await.unwrap().unwrap().version, 3);
}

async fn two_managers_at_once_one_change_wins<S: Store + 'static>(store: Arc<S>) {
    store.put_catalogue(&catalogue()).await.unwrap();
    let (edited, edit, inverse) = spid_later();
    let racers = [FIRST, SECOND].map(|id| {
        let store = Arc::clone(&store);
        let save = CatalogueSave {
            expected_version: 1,
            catalogue: edited.clone(),
            change: change(id, &edit, &inverse, 2),
        };
        tokio::spawn(async move { store.close(&request(save, Vec::new(), &[]), now()).await })
    });
    let mut won = 0;
    for racer in racers {
        match racer.await.unwrap() {
            Ok(_) => won += 1,
            Err(StoreError::CatalogueChanged) => {}
            Err(other) => panic!("{other}"),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(store.stored_catalogue().await.unwrap().unwrap().version, 2);
    assert_eq!(store.catalogue_changes(10).await.unwrap().len(), 1);
}

async fn fewer_desks_take_the_seats_above_for_a_while<S: Store + 'static>(store: Arc<S>) {
    store.put_catalogue(&catalogue()).await.unwrap();
    // cie has 3 desks; 1 of them stays.
    let edit = offering_edit("cie", 1, "09:00-12:00");
    let (edited, inverse) = catalogue().edited(&edit).unwrap();
    let save = CatalogueSave {
        expected_version: 1,
        catalogue: edited,
        change: change(FIRST, &edit, &inverse, 2),
    };
    store
        .close(&request(save, monday_morning("cie", 1), &[]), now())
        .await
        .unwrap();
    assert_eq!(
        taken(&*store, "cie", "09:00", now()).await,
        2,
        "the 2 seats above the one left"
    );
    assert_eq!(taken(&*store, "cie", "09:00", now() + EDIT_GUARD).await, 0);
}

on_both_stores! {
    a_change_is_saved_over_its_version_with_its_seats: change_over_version_sqlite, change_over_version_dynamodb;
    two_managers_at_once_one_change_wins: one_change_wins_sqlite, one_change_wins_dynamodb;
    fewer_desks_take_the_seats_above_for_a_while: fewer_desks_sqlite, fewer_desks_dynamodb;
}
