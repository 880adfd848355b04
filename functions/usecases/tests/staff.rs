//! Staff identity and the counter's rules without HTTP, on a real SQLite store and a manual clock:
//! failed sign-ins slow down, then lock for a quarter of an hour; sessions end when idle or old;
//! the agenda shows names only for today and the next working days.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use prenota_core::staff::{
    LOCK_FOR, NewPassword, Role, SESSION_IDLE, SESSION_MAX, StaffEmail, StaffIdentity,
};
use prenota_core::{ManualClock, OfficeId};
use prenota_store::StaffAccounts;
use prenota_usecases::counter;
use prenota_usecases::staff::{self, SignInError};
use prenota_usecases::testing::{bergamo, sqlite_app};

/// Friday 4 December 2026, 10:00 in Rome.
fn friday() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, 0).unwrap()
}

const PASSWORD: &str = "una password lunga";

#[tokio::test]
async fn failures_lock_the_account_for_a_while_and_a_success_starts_again() {
    let clock = Arc::new(ManualClock::new(friday()));
    let folder = tempfile::tempdir().unwrap();
    let (app, store) = sqlite_app(
        &folder.path().join("p.sqlite3"),
        bergamo(),
        clock.clone(),
        "https://x.example",
    )
    .await;
    let email = StaffEmail::parse("op@comune.bergamo.it").unwrap();
    let office = OfficeId::parse("ufficio-1").unwrap();
    let password = NewPassword::parse(PASSWORD).unwrap();
    staff::add(
        &app.context,
        &store,
        &email,
        Role::Operator,
        &[office],
        Some(&password),
    )
    .await
    .unwrap();
    let sign_in = |password: &'static str| {
        let (app, store) = (&app, &store);
        async move { staff::sign_in(&app.context, store, store, "op@comune.bergamo.it", password).await }
    };
    // Ten failures, each after the wait the one before imposed.
    for attempt in 1..=10 {
        let refused = sign_in("wrong password").await;
        assert!(
            matches!(refused, Err(SignInError::BadCredentials)),
            "attempt {attempt}: {refused:?}"
        );
        let wait = prenota_core::staff::sign_in_wait(attempt);
        if attempt < 10 {
            clock.advance(wait);
        } else {
            assert_eq!(wait, LOCK_FOR, "locked after ten");
        }
    }
    match sign_in(PASSWORD).await {
        Err(SignInError::TooManyAttempts { wait }) => assert_eq!(wait, LOCK_FOR.to_std().unwrap()),
        other => panic!("locked: {other:?}"),
    }
    clock.advance(LOCK_FOR);
    let session = sign_in(PASSWORD).await.expect("the lock is over");
    assert_eq!(session.identity.role, Role::Operator);
    // A success forgets the failures: one more mistake does not lock again.
    assert!(matches!(sign_in("wrong").await, Err(SignInError::BadCredentials)));
    assert!(sign_in(PASSWORD).await.is_ok());
}

#[tokio::test]
async fn sessions_end_when_idle_or_too_old() {
    let clock = Arc::new(ManualClock::new(friday()));
    let folder = tempfile::tempdir().unwrap();
    let (app, store) = sqlite_app(
        &folder.path().join("p.sqlite3"),
        bergamo(),
        clock.clone(),
        "https://x.example",
    )
    .await;
    let email = StaffEmail::parse("op@comune.bergamo.it").unwrap();
    let password = NewPassword::parse(PASSWORD).unwrap();
    staff::add(&app.context, &store, &email, Role::Admin, &[], Some(&password))
        .await
        .unwrap();
    let idle = staff::sign_in(&app.context, &store, &store, email.as_str(), PASSWORD)
        .await
        .unwrap();
    let busy = staff::sign_in(&app.context, &store, &store, email.as_str(), PASSWORD)
        .await
        .unwrap();
    // The busy session is used every 20 minutes; the idle one not at all.
    let mut elapsed = Duration::zero();
    while elapsed + Duration::minutes(20) < SESSION_MAX {
        clock.advance(Duration::minutes(20));
        elapsed += Duration::minutes(20);
        assert!(
            staff::identify(&app.context, &store, &busy.token)
                .await
                .unwrap()
                .is_some(),
            "{elapsed}"
        );
        if elapsed >= SESSION_IDLE {
            assert!(
                staff::identify(&app.context, &store, &idle.token)
                    .await
                    .unwrap()
                    .is_none()
            );
        }
    }
    clock.set(friday() + SESSION_MAX);
    assert!(
        staff::identify(&app.context, &store, &busy.token)
            .await
            .unwrap()
            .is_none(),
        "10 h at most"
    );
    // Only hashes are kept: the token itself opens nothing once the row is gone.
    assert!(
        store.session(&busy.token.hash()).await.unwrap().is_none(),
        "an ended session is deleted"
    );
}

#[tokio::test]
async fn personal_data_is_shown_for_today_and_the_next_working_days_only() {
    let clock = Arc::new(ManualClock::new(friday()));
    let folder = tempfile::tempdir().unwrap();
    let (app, _) = sqlite_app(
        &folder.path().join("p.sqlite3"),
        bergamo(),
        clock.clone(),
        "https://x.example",
    )
    .await;
    let identity = StaffIdentity {
        email: "op@comune.bergamo.it".into(),
        role: Role::Operator,
        offices: vec![OfficeId::parse("ufficio-1").unwrap()],
    };
    let office = OfficeId::parse("ufficio-1").unwrap();
    // A booking on Wednesday 9 December: from Friday 4, Monday 7 and Wednesday 9 are the next two
    // working days (Tuesday 8 is the Immacolata); from Thursday 3, Friday 4 and Monday 7 are.
    let held = prenota_usecases::hold::hold(
        &app.context,
        &*app.store,
        app.context
            .catalogue()
            .offering(&prenota_core::OfferingKey {
                office: office.clone(),
                service: prenota_core::ServiceId::parse("cie").unwrap(),
            })
            .unwrap(),
        prenota_usecases::hold::Choice {
            date: chrono::NaiveDate::from_ymd_opt(2026, 12, 9).unwrap(),
            start: chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            people: 1,
        },
        None,
    )
    .await
    .unwrap();
    let person = prenota_store::Person {
        name: prenota_core::text::PersonName::parse("Anna").unwrap(),
        surname: prenota_core::text::PersonName::parse("Rossi").unwrap(),
        contact: prenota_core::Contact::parse("anna@esempio.it").unwrap(),
        details: None,
        lang: prenota_core::catalogue::Lang::It,
    };
    prenota_usecases::details::submit(&app.context, &*app.store, &held.hold.hash(), vec![person])
        .await
        .unwrap();
    let pending = app
        .store
        .pending_messages(10, chrono::DateTime::<Utc>::MAX_UTC)
        .await
        .unwrap();
    let confirm_code = pending
        .iter()
        .find_map(|entry| {
            let payload = prenota_usecases::outbox::Payload::read(&entry.message).ok()?;
            let prenota_usecases::outbox::Payload::Citizen(prenota_notify::Message::Email(email)) = payload
            else {
                return None;
            };
            let start = email.text.find("/c/")? + 3;
            let code: String = email.text[start..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            prenota_core::Token::parse(&code).ok()
        })
        .expect("the confirmation link");
    prenota_usecases::confirm::confirm(&app.context, &*app.store, &confirm_code)
        .await
        .unwrap();
    let date = Some(chrono::NaiveDate::from_ymd_opt(2026, 12, 9).unwrap());
    let name_on = |at: chrono::DateTime<Utc>| {
        clock.set(at);
        let (app, identity, office) = (&app, &identity, &office);
        async move {
            let (_, entries) = counter::agenda(&app.context, &*app.store, identity, office, date)
                .await
                .unwrap();
            assert_eq!(entries.len(), 1);
            entries[0]
                .booking
                .person
                .as_ref()
                .map(|p| p.name.as_str().to_owned())
        }
    };
    let thursday_before = Utc.with_ymd_and_hms(2026, 12, 3, 8, 0, 0).unwrap();
    assert_eq!(
        name_on(thursday_before).await,
        None,
        "Thursday: Wednesday is the third working day"
    );
    assert_eq!(
        name_on(friday()).await.as_deref(),
        Some("Anna"),
        "Friday: within two working days"
    );
    let thursday = Utc.with_ymd_and_hms(2026, 12, 10, 8, 0, 0).unwrap();
    assert_eq!(name_on(thursday).await, None, "a past day");
}
