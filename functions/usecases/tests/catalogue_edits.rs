//! "Uffici e orari" as use cases, on a real SQLite store and a manual clock: who may see and
//! change what, the catalogue's rules, the version a change is made over, a change that takes
//! booked slots (preview, the reason, the displaced citizen's message, priority rebooking, the
//! catalogue in use, the audit log, the history) and undoing it.

use std::sync::Arc;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use prenota_core::audit::AuditAction;
use prenota_core::catalogue::{CatalogueEdit, Lang, Localized};
use prenota_core::staff::{Role, StaffIdentity};
use prenota_core::{BookingState, ManualClock};
use prenota_store::{EDIT_GUARD, MessageKind};
use prenota_usecases::catalogue_edits::{self, EditError};
use prenota_usecases::outbox::Payload;
use prenota_usecases::testing::{bergamo_app, confirmed_spid, queued_of_kind, spid_starts, staff, ufficio};
use prenota_usecases::{App, counter, moving};
use serde_json::{Value, json};

/// Monday 30 November 2026, 10:00 in Rome.
fn start() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap()
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
}

async fn app(clock: &Arc<ManualClock>) -> (App, tempfile::TempDir) {
    bergamo_app(clock.clone()).await
}

/// SPID at ufficio-1 as the manager's view has it, without `may_edit`.
async fn spid_offering(app: &App) -> (u64, Value) {
    let view = catalogue_edits::view(&*app.store, &staff(Role::Manager, 1))
        .await
        .unwrap();
    let part = view
        .offerings
        .into_iter()
        .find(|part| part.raw["office"] == "ufficio-1" && part.raw["service"] == "spid")
        .unwrap();
    (view.version, part.raw)
}

/// SPID at ufficio-1 opening on Wednesdays at 15:15 rather than 14:15.
async fn later_wednesdays(app: &App) -> (u64, CatalogueEdit) {
    let (version, mut spid) = spid_offering(app).await;
    assert_eq!(spid["hours"]["wed"], json!(["14:15-17:45"]));
    spid["hours"]["wed"] = json!(["15:15-17:45"]);
    (
        version,
        CatalogueEdit::from_json(&json!({ "offering": spid })).unwrap(),
    )
}

fn reason() -> Option<Localized> {
    Some(Localized {
        it: "Riorganizzazione degli sportelli".into(),
        en: "The counters are being reorganised".into(),
    })
}

#[tokio::test]
async fn each_manager_sees_and_changes_only_their_offices() {
    let clock = Arc::new(ManualClock::new(start()));
    let (app, _folder) = app(&clock).await;
    let (context, store) = (&app.context, &*app.store);
    let (version, edit) = later_wednesdays(&app).await;

    let view = catalogue_edits::view(store, &staff(Role::Manager, 2))
        .await
        .unwrap();
    assert!(view.offices.iter().all(|part| part.raw["id"] == "ufficio-2"));
    assert!(
        view.offerings
            .iter()
            .all(|part| part.raw["office"] == "ufficio-2")
    );
    // SPID is offered at both offices: its texts are not one manager's to change.
    let spid = view
        .services
        .iter()
        .find(|part| part.raw["id"] == "spid")
        .unwrap();
    assert!(!spid.may_edit);
    let admin = StaffIdentity {
        offices: Vec::new(),
        ..staff(Role::Admin, 1)
    };
    let everything = catalogue_edits::view(store, &admin).await.unwrap();
    assert!(everything.offices.len() > view.offices.len());
    assert!(everything.services.iter().all(|part| part.may_edit));

    for who in [staff(Role::Operator, 1), staff(Role::Manager, 2)] {
        let refused = catalogue_edits::preview(context, store, &who, version, &edit).await;
        assert!(
            matches!(refused, Err(EditError::Forbidden)),
            "{who:?}: {refused:?}"
        );
        let refused = catalogue_edits::save(context, store, &who, version, &edit, reason()).await;
        assert!(
            matches!(refused, Err(EditError::Forbidden)),
            "{who:?}: {refused:?}"
        );
    }
    let spid_texts = CatalogueEdit::from_json(&json!({ "service": strip(spid.raw.clone()) })).unwrap();
    let refused = catalogue_edits::save(
        context,
        store,
        &staff(Role::Manager, 2),
        version,
        &spid_texts,
        None,
    )
    .await;
    assert!(matches!(refused, Err(EditError::Forbidden)), "{refused:?}");
    assert!(matches!(
        catalogue_edits::view(store, &staff(Role::Operator, 1)).await,
        Err(EditError::Forbidden)
    ));
    assert_eq!(
        store.stored_catalogue().await.unwrap().unwrap().version,
        version,
        "nothing saved"
    );
}

fn strip(mut raw: Value) -> Value {
    raw.as_object_mut().unwrap().remove("may_edit");
    raw
}

#[tokio::test]
async fn a_change_is_checked_by_the_rules_and_over_its_version() {
    let clock = Arc::new(ManualClock::new(start()));
    let (app, _folder) = app(&clock).await;
    let (context, store) = (&app.context, &*app.store);
    let manager = staff(Role::Manager, 1);
    let (version, mut spid) = spid_offering(&app).await;
    let mut spid_edit = strip(spid.clone());

    spid_edit["desks"] = json!(0);
    spid_edit["hours"]["wed"] = json!(["17:00-15:00"]);
    let invalid = CatalogueEdit::from_json(&json!({ "offering": spid_edit })).unwrap();
    match catalogue_edits::save(context, store, &manager, version, &invalid, None).await {
        Err(EditError::Invalid(issues)) => {
            let fields: Vec<&str> = issues.iter().map(|issue| issue.field.as_str()).collect();
            assert!(fields.iter().any(|field| field.contains("desks")), "{fields:?}");
            assert!(fields.iter().any(|field| field.contains("wed")), "{fields:?}");
        }
        other => panic!("{other:?}"),
    }

    // An office's accessibility notes: no booking hit, no reason needed.
    let view = catalogue_edits::view(store, &manager).await.unwrap();
    let mut office = strip(view.offices[0].raw.clone());
    office["accessibility"] = json!({"it": "Ingresso senza gradini", "en": "Step-free entrance"});
    let notes = CatalogueEdit::from_json(&json!({ "office": office })).unwrap();
    let saved = catalogue_edits::save(context, store, &manager, version, &notes, None)
        .await
        .unwrap();
    assert_eq!(saved.change.version, version + 1);
    assert!(saved.displaced.is_empty());
    let catalogue_now = context.catalogue();
    let office_now = &catalogue_now.offices()[0];
    assert_eq!(
        office_now.accessibility.as_ref().unwrap().it,
        "Ingresso senza gradini"
    );

    // Over the old version: refused, nothing saved.
    spid = strip(spid);
    spid["desks_online"] = json!(1);
    let stale = CatalogueEdit::from_json(&json!({ "offering": spid })).unwrap();
    let refused = catalogue_edits::save(context, store, &manager, version, &stale, None).await;
    assert!(matches!(refused, Err(EditError::Changed)), "{refused:?}");
    assert_eq!(store.catalogue_changes(10).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_change_that_takes_booked_slots_displaces_tells_and_can_be_undone() {
    let clock = Arc::new(ManualClock::new(start()));
    let (app, _folder) = app(&clock).await;
    let (context, store) = (&app.context, &*app.store);
    let manager = staff(Role::Manager, 1);
    let anna = confirmed_spid(&app, day(2), "14:15", "anna@example.it", Lang::En).await;
    let (version, edit) = later_wednesdays(&app).await;

    let preview = catalogue_edits::preview(context, store, &manager, version, &edit)
        .await
        .unwrap();
    assert_eq!(preview.displaced.len(), 1, "1 appuntamento confermato");
    assert!(
        preview.slots >= 2,
        "14:15 and 14:45 of every Wednesday: {}",
        preview.slots
    );
    assert!(
        queued_of_kind(&app, MessageKind::Displaced).await.is_empty(),
        "a preview sends nothing"
    );

    let refused = catalogue_edits::save(context, store, &manager, version, &edit, None).await;
    assert!(matches!(refused, Err(EditError::ReasonRequired)), "{refused:?}");
    let half = Some(Localized {
        it: "Motivo".into(),
        en: " ".into(),
    });
    let refused = catalogue_edits::save(context, store, &manager, version, &edit, half).await;
    assert!(matches!(refused, Err(EditError::ReasonRequired)), "{refused:?}");

    let saved = catalogue_edits::save(context, store, &manager, version, &edit, reason())
        .await
        .unwrap();
    assert_eq!(saved.displaced.len(), 1);
    assert_eq!(saved.change.by, manager.email);
    let messages = queued_of_kind(&app, MessageKind::Displaced).await;
    assert_eq!(messages.len(), 1);
    let Payload::Citizen(prenota_notify::Message::Email(email)) = &messages[0] else {
        panic!("an e-mail: {:?}", messages[0]);
    };
    assert!(
        email.text.contains("The counters are being reorganised"),
        "{}",
        email.text
    );
    assert!(
        email.text.contains(&format!("/p/{}?lang=en", anna.encode())),
        "{}",
        email.text
    );

    // The catalogue in use opens at 15:15 on Wednesdays; the audit log and the history say who.
    assert!(
        spid_starts(&app, day(2))
            .await
            .iter()
            .all(|start| start.as_str() >= "15:15")
    );
    let log = counter::audit_log(context, store, &manager, &ufficio(1), None)
        .await
        .unwrap();
    assert!(
        log.1
            .iter()
            .any(|entry| entry.action == AuditAction::CatalogueChanged && entry.actor == manager.email)
    );
    let history = catalogue_edits::history(store, &manager).await.unwrap();
    assert_eq!(history[0].id, saved.change.id);
    assert!(
        catalogue_edits::history(store, &staff(Role::Manager, 2))
            .await
            .unwrap()
            .is_empty()
    );

    // Anna is offered the earliest SPID seat left (that Wednesday at 15:15) before anyone else,
    // and takes it.
    let public = spid_starts(&app, day(2)).await;
    assert_eq!(public.first().map(String::as_str), Some("15:45"), "{public:?}");
    let page = store.booking_by_page_code(&anna.hash(), start()).await.unwrap();
    assert_eq!(page.state, BookingState::Displaced);
    let choice = moving::choices(context, store, &anna, None).await.unwrap();
    assert_eq!(choice.day.date, Some(day(2)));
    assert_eq!(choice.day.free[0].slot.start.format("%H:%M").to_string(), "15:15");
    let new_time = prenota_core::dates::parse_time("15:15").unwrap();
    let moved = moving::move_to(context, store, &anna, day(2), new_time)
        .await
        .unwrap();
    assert_eq!(moved.booking.state, BookingState::Confirmed);

    // Undone: Wednesdays open at 14:15 again once the change's guard on the freed seats ends.
    clock.advance(EDIT_GUARD + Duration::minutes(1));
    let version = store.stored_catalogue().await.unwrap().unwrap().version;
    let undone = catalogue_edits::undo(context, store, &manager, version, &saved.change.id, None)
        .await
        .unwrap();
    assert_eq!(undone.change.undoes.as_deref(), Some(saved.change.id.as_str()));
    assert!(spid_starts(&app, day(9)).await.contains(&"14:15".to_owned()));
    let history = catalogue_edits::history(store, &manager).await.unwrap();
    assert_eq!(history.len(), 2);
    let unknown = catalogue_edits::undo(
        context,
        store,
        &manager,
        undone.change.version,
        "0".repeat(32).as_str(),
        None,
    )
    .await;
    assert!(matches!(unknown, Err(EditError::NotFound)), "{unknown:?}");
}
