//! "Chiusure" as use cases, on a real SQLite store and a manual clock: who may close, the rules a
//! closure is checked by, the preview, the displaced citizen's message and page, rebooking from
//! it with the old seat kept closed, cancelling, the catalogue in use, the audit log, and undoing.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use prenota_core::audit::AuditAction;
use prenota_core::catalogue::Lang;
use prenota_core::closure::ClosureForm;
use prenota_core::staff::Role;
use prenota_core::{BookingState, ManualClock, ServiceId};
use prenota_store::MessageKind;
use prenota_usecases::cancel::{self, Cancelling};
use prenota_usecases::closures::{self, ClosureError};
use prenota_usecases::outbox::Payload;
use prenota_usecases::testing::{bergamo_app, confirmed_spid, queued_of_kind, spid_starts, staff, ufficio};
use prenota_usecases::{App, browse, counter, hold, moving};

/// Monday 30 November 2026, 10:00 in Rome.
fn start() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap()
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
}

/// Ufficio 1 closed on Wednesday 2 December from 14:00 to 18:00 (the SPID afternoon).
fn strike() -> ClosureForm<'static> {
    ClosureForm {
        office: Some("ufficio-1"),
        from: "2026-12-02",
        to: None,
        hours: Some("14:00-18:00"),
        reason_it: "Sciopero del personale",
        reason_en: "Staff strike",
    }
}

async fn app(clock: &Arc<ManualClock>) -> (App, tempfile::TempDir) {
    bergamo_app(clock.clone()).await
}

fn spid_at_ufficio_1(app: &App) -> prenota_core::Offering {
    browse::offering(
        &app.context.catalogue(),
        &ServiceId::parse("spid").unwrap(),
        &ufficio(1),
    )
    .unwrap()
    .clone()
}

#[tokio::test]
async fn only_managers_of_the_office_close_it_and_by_the_catalogues_rules() {
    let clock = Arc::new(ManualClock::new(start()));
    let (app, _folder) = app(&clock).await;
    let (context, store) = (&app.context, &*app.store);
    for who in [staff(Role::Operator, 1), staff(Role::Manager, 2)] {
        let refused = closures::preview(context, store, &who, &strike()).await;
        assert!(
            matches!(refused, Err(ClosureError::Forbidden)),
            "{who:?}: {refused:?}"
        );
        let refused = closures::close(context, store, &who, &strike()).await;
        assert!(
            matches!(refused, Err(ClosureError::Forbidden)),
            "{who:?}: {refused:?}"
        );
    }
    // Every office at once: administrators only.
    let everywhere = ClosureForm {
        office: None,
        ..strike()
    };
    let refused = closures::preview(context, store, &staff(Role::Manager, 1), &everywhere).await;
    assert!(matches!(refused, Err(ClosureError::Forbidden)));
    let admin = staff(Role::Admin, 1);
    let preview = closures::preview(context, store, &admin, &everywhere)
        .await
        .unwrap();
    assert!(preview.slots > 0);

    let manager = staff(Role::Manager, 1);
    for (form, field) in [
        (
            ClosureForm {
                to: Some("2026-12-01"),
                ..strike()
            },
            "to",
        ),
        (
            ClosureForm {
                from: "2 dicembre",
                ..strike()
            },
            "from",
        ),
        (
            ClosureForm {
                hours: Some("18:00-14:00"),
                ..strike()
            },
            "hours",
        ),
        (
            ClosureForm {
                reason_it: " ",
                ..strike()
            },
            "reason",
        ),
        (
            ClosureForm {
                reason_en: "",
                ..strike()
            },
            "reason.en",
        ),
        (
            ClosureForm {
                from: "2026-11-27",
                to: Some("2026-11-28"),
                ..strike()
            },
            "to",
        ),
        (
            ClosureForm {
                from: "2028-01-10",
                ..strike()
            },
            "from",
        ),
    ] {
        let refused = closures::close(context, store, &manager, &form).await;
        let Err(ClosureError::Invalid(issues)) = refused else {
            panic!("{form:?}: {refused:?}");
        };
        assert_eq!(issues[0].field, field, "{form:?}: {issues:?}");
    }
    assert!(
        closures::list(context, store, &manager).await.unwrap().is_empty(),
        "nothing saved"
    );
}

#[tokio::test]
async fn a_closure_displaces_tells_and_the_citizen_rebooks() {
    let clock = Arc::new(ManualClock::new(start()));
    let (app, _folder) = app(&clock).await;
    let (context, store) = (&app.context, &*app.store);
    let anna = confirmed_spid(&app, day(2), "14:15", "anna@example.it", Lang::En).await;
    let bruno = confirmed_spid(&app, day(2), "16:15", "bruno@example.it", Lang::It).await;
    let manager = staff(Role::Manager, 1);

    let preview = closures::preview(context, store, &manager, &strike())
        .await
        .unwrap();
    assert_eq!(preview.displaced.len(), 2, "37 appuntamenti confermati, here 2");
    assert_eq!(preview.holds, 0);
    assert!(
        queued_of_kind(&app, MessageKind::Displaced).await.is_empty(),
        "a preview sends nothing"
    );

    let saved = closures::close(context, store, &manager, &strike())
        .await
        .unwrap();
    assert_eq!(saved.displaced.len(), 2);
    assert_eq!(saved.closure.saved_by, manager.email);
    let messages = queued_of_kind(&app, MessageKind::Displaced).await;
    assert_eq!(messages.len(), 2);
    let texts: Vec<String> = messages
        .iter()
        .map(|payload| match payload {
            Payload::Citizen(prenota_notify::Message::Email(email)) => {
                format!("{}\n{}", email.subject, email.text)
            }
            other => panic!("an e-mail: {other:?}"),
        })
        .collect();
    let english = texts
        .iter()
        .find(|text| text.contains("Staff strike"))
        .expect("Anna's, in English");
    assert!(english.contains("Office closed"), "{english}");
    assert!(
        english.contains(&format!("/p/{}?lang=en", anna.encode())),
        "{english}"
    );
    let italian = texts
        .iter()
        .find(|text| text.contains("Sciopero del personale"))
        .expect("Bruno's");
    assert!(italian.contains("Ufficio chiuso"), "{italian}");

    // The catalogue in use has the closure: no SPID time that afternoon, for anyone.
    assert!(spid_starts(&app, day(2)).await.is_empty());
    let offering = spid_at_ufficio_1(&app);
    let choice = hold::Choice {
        date: day(2),
        start: prenota_core::dates::parse_time("14:45").unwrap(),
        people: 1,
    };
    assert!(hold::hold(context, store, &offering, choice, None).await.is_err());

    // The two earliest SPID seats after the closure (Thursday 14:15 and 14:45) are kept for the
    // two displaced citizens: nobody else is offered them.
    let public = spid_starts(&app, day(3)).await;
    assert!(
        !public.contains(&"14:15".to_owned()) && !public.contains(&"14:45".to_owned()),
        "{public:?}"
    );
    assert!(public.contains(&"15:15".to_owned()), "{public:?}");

    // Anna's page: displaced; she is offered the kept seats first and takes Thursday 14:15;
    // confirmed there, her old seat stays closed.
    let page = store.booking_by_page_code(&anna.hash(), start()).await.unwrap();
    assert_eq!(page.state, BookingState::Displaced);
    let choice = moving::choices(context, store, &anna, None).await.unwrap();
    assert_eq!(choice.day.date, Some(day(3)), "the first day with a time for her");
    let offered: Vec<String> = choice
        .day
        .free
        .iter()
        .map(|free| free.slot.start.format("%H:%M").to_string())
        .collect();
    assert!(
        offered.starts_with(&["14:15".to_owned(), "14:45".to_owned(), "15:15".to_owned()]),
        "{offered:?}"
    );
    let new_time = prenota_core::dates::parse_time("14:15").unwrap();
    let moved = moving::move_to(context, store, &anna, day(3), new_time)
        .await
        .unwrap();
    assert_eq!(moved.booking.state, BookingState::Confirmed);
    assert_eq!((moved.booking.date, moved.booking.start), (day(3), new_time));
    let taken = store
        .taken_seats(&offering.key, &[day(2)], start())
        .await
        .unwrap();
    let at = |time: &str| {
        taken[&day(2)]
            .get(&prenota_core::dates::parse_time(time).unwrap())
            .copied()
    };
    assert_eq!(at("14:15"), Some(1), "Anna's old seat is the closure's");

    // Bruno cancels instead: asked first, then cancelled; his seat stays closed too.
    let asked = cancel::cancel(context, store, &bruno, false).await.unwrap();
    assert!(matches!(asked, Cancelling::AskFirst(_)));
    let Cancelling::Cancelled(cancelled) = cancel::cancel(context, store, &bruno, true).await.unwrap() else {
        panic!("cancelled");
    };
    assert_eq!(cancelled.state, BookingState::Cancelled);
    assert!(spid_starts(&app, day(2)).await.is_empty());
    assert!(
        queued_of_kind(&app, MessageKind::SeatFreed).await.is_empty(),
        "a closed seat is not drawn for the waiting list"
    );

    // The audit log says who closed it.
    let (_, log) = counter::audit_log(context, store, &manager, &ufficio(1), None)
        .await
        .unwrap();
    let entry = log
        .iter()
        .find(|entry| entry.action == AuditAction::ClosureSaved)
        .expect("logged");
    assert_eq!(entry.actor, manager.email);

    // A manager of another office neither sees nor undoes it.
    let other = staff(Role::Manager, 2);
    assert!(closures::list(context, store, &other).await.unwrap().is_empty());
    let refused = closures::reopen(context, store, &other, &saved.closure.id).await;
    assert!(matches!(refused, Err(ClosureError::NotFound)), "{refused:?}");

    // Bruno's kept seat is nobody's until the priority ends; undone, it is everyone's again.
    assert!(!spid_starts(&app, day(3)).await.contains(&"14:45".to_owned()));
    // Undone: the afternoon is offered again.
    let reopened = closures::reopen(context, store, &manager, &saved.closure.id)
        .await
        .unwrap();
    assert_eq!(reopened.reopened_at, Some(start()));
    let starts = spid_starts(&app, day(2)).await;
    assert!(
        starts.contains(&"14:15".to_owned()) && starts.contains(&"16:15".to_owned()),
        "{starts:?}"
    );
    assert!(spid_starts(&app, day(3)).await.contains(&"14:45".to_owned()));
    let (_, log) = counter::audit_log(context, store, &manager, &ufficio(1), None)
        .await
        .unwrap();
    assert!(
        log.iter()
            .any(|entry| entry.action == AuditAction::ClosureReopened)
    );
    let listed = closures::list(context, store, &manager).await.unwrap();
    assert_eq!(listed[0].reopened_at, Some(start()));
}
