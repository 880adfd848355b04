//! Closures on every store: saving one takes every seat of its slots — free seats for the
//! closure, a wizard's hold released, pending and confirmed bookings displaced with their messages
//! — once (a retry takes nothing more); a booking made after the bookings were read refuses the
//! change; racing holds and a closure give each seat once; a displaced booking moves or cancels
//! with its seat staying closed; reopening frees the closure's seats only.

#[macro_use]
mod support;

use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use prenota_core::catalogue::{Closure, Localized, TimeRange};
use prenota_core::closure::{ClosedSlot, StaffClosure};
use prenota_core::{BookingId, BookingState, OfficeId, QuotaPolicy, Token};
use prenota_store::{
    Booking, CloseRequest, MessageKind, MoveRequest, PrioritySeat, Reservation, SavedClosure, Saving, Store,
    StoreError,
};
use support::{
    book_confirmed, catalogue, details_request, displacements, hold_request, message, monday, now, offering,
    slot, time,
};

/// Ufficio u1 closed on Monday from 09:00 to 10:00: 4 slots of cie (3 desks) and of spid (1).
fn strike(id: &str) -> (SavedClosure, Vec<ClosedSlot>) {
    let closure = Closure {
        office: Some(OfficeId::parse("u1").unwrap()),
        from: monday(),
        to: monday(),
        hours: Some(TimeRange::parse("09:00-10:00").unwrap()),
        reason: "Sciopero".into(),
    };
    let catalogue = catalogue();
    let slots = catalogue.slots_closed_by(&closure, monday() + Duration::days(30), now());
    let saved = SavedClosure {
        id: id.to_owned(),
        closure: StaffClosure {
            closure,
            reason: Localized {
                it: "Sciopero".into(),
                en: "Strike".into(),
            },
        },
        saved_by: "manager@comune.example".into(),
        saved_at: now(),
        reopened_at: None,
    };
    (saved, slots)
}

/// The request that closes `slots`, telling each pending or confirmed booking of `found`.
fn close_request(saved: &SavedClosure, slots: &[ClosedSlot], found: &[Booking]) -> CloseRequest {
    CloseRequest {
        saving: Saving::Closure(saved.clone()),
        slots: slots.to_vec(),
        displacements: displacements(found),
    }
}

async fn taken<S: Store + ?Sized>(store: &S, service: &str, date: NaiveDate, start: &str) -> u32 {
    let days = store
        .taken_seats(&offering(service), &[date], now())
        .await
        .unwrap();
    days.get(&date)
        .and_then(|day| day.get(&time(start)).copied())
        .unwrap_or(0)
}

async fn displaced_messages<S: Store + ?Sized>(store: &S) -> usize {
    store
        .pending_messages(1000, chrono::DateTime::<chrono::Utc>::MAX_UTC)
        .await
        .unwrap()
        .iter()
        .filter(|entry| entry.message.kind == MessageKind::Displaced)
        .count()
}

const ID: &str = "0123456789abcdef0123456789abcdef";

async fn a_closure_takes_every_seat_once<S: Store + 'static>(store: Arc<S>) {
    // Anna confirmed at 09:00, Bruno pending at 09:15, Carla still in the wizard at 09:30, and
    // Dario at 10:00, after the closed hours.
    let (anna, anna_page) = book_confirmed(&*store, "spid", monday(), "09:00", "anna@example.it").await;
    let (bruno_hold, request) = hold_request("spid", monday(), "09:15", now());
    store.hold(&request, now()).await.unwrap();
    let (bruno_confirm, details) = details_request(bruno_hold.hash(), "bruno@example.it", now());
    store.submit_details(&details, now()).await.unwrap();
    let (carla_hold, request) = hold_request("cie", monday(), "09:30", now());
    store.hold(&request, now()).await.unwrap();
    let (dario, _) = book_confirmed(&*store, "spid", monday(), "10:00", "dario@example.it").await;

    let (saved, slots) = strike(ID);
    assert_eq!(slots.len(), 8, "4 slots of each service");
    let found = store.bookings_at(&slots, now()).await.unwrap();
    let mut states: Vec<BookingState> = found.iter().map(|booking| booking.state).collect();
    states.sort_by_key(|state| format!("{state:?}"));
    assert_eq!(
        states,
        [BookingState::Confirmed, BookingState::Held, BookingState::Pending],
        "the bookings on the closed seats, Dario's not among them"
    );
    assert!(
        found
            .iter()
            .all(|booking| booking.person.is_some() || booking.state == BookingState::Held)
    );

    let request = close_request(&saved, &slots, &found);
    let closed = store.close(&request, now()).await.unwrap();
    assert_eq!(closed.released_holds, 1);
    let mut displaced: Vec<&BookingId> = closed.displaced.iter().map(|booking| &booking.id).collect();
    displaced.sort();
    let bruno = BookingId::of_hold(&bruno_hold.hash());
    let mut expected = vec![&anna, &bruno];
    expected.sort();
    assert_eq!(displaced, expected);
    assert_eq!(
        displaced_messages(&*store).await,
        2,
        "each displaced citizen's message, with the change"
    );

    // Every seat of every closed slot is taken; the slot after the closure is as it was.
    for start in ["09:00", "09:15", "09:30", "09:45"] {
        assert_eq!(taken(&*store, "cie", monday(), start).await, 3, "cie {start}");
        assert_eq!(taken(&*store, "spid", monday(), start).await, 1, "spid {start}");
    }
    assert_eq!(taken(&*store, "spid", monday(), "10:00").await, 1);
    let (_, late) = hold_request("cie", monday(), "09:45", now());
    assert!(matches!(
        store.hold(&late, now()).await,
        Err(StoreError::SlotTaken)
    ));

    // The bookings as their citizens' links find them.
    let anna_now = store
        .booking_by_page_code(&anna_page.hash(), now())
        .await
        .unwrap();
    assert_eq!(anna_now.state, BookingState::Displaced);
    assert_eq!(anna_now.expires_at, None);
    let bruno_now = store
        .booking_by_confirm_code(&bruno_confirm.hash(), now())
        .await
        .unwrap();
    assert_eq!(bruno_now.state, BookingState::Displaced);
    let bruno_page = &request.displacements[&bruno].page_code;
    assert_eq!(
        store.booking_by_page_code(bruno_page, now()).await.unwrap().id,
        bruno
    );
    let carla = store.booking_by_hold(&carla_hold.hash(), now()).await.unwrap();
    assert_eq!(carla.state, BookingState::Cancelled);
    let dario_now = store.booking_by_hold(&dario.hold(), now()).await.unwrap();
    assert_eq!(dario_now.state, BookingState::Confirmed);
    // Bruno's seat stays his after his confirmation deadline: a displaced booking does not expire.
    let later = now() + Duration::hours(2);
    assert_eq!(taken(&*store, "spid", monday(), "09:15").await, 1);
    let days = store
        .taken_seats(&offering("spid"), &[monday()], later)
        .await
        .unwrap();
    assert_eq!(days[&monday()].get(&time("09:15")).copied(), Some(1));

    // The counter's agenda shows Anna as displaced.
    let agenda = store
        .agenda(&offering("spid").office, monday(), now())
        .await
        .unwrap();
    let entry = agenda
        .iter()
        .find(|entry| entry.booking.id == anna)
        .expect("Anna on the agenda");
    assert_eq!(entry.state(), prenota_core::counter::VisitState::Displaced);

    // Saved again (a retry): nothing more taken, nothing more sent.
    let again = store
        .close(&close_request(&saved, &slots, &[]), now())
        .await
        .unwrap();
    assert!(again.displaced.is_empty());
    assert_eq!(again.released_holds, 0);
    assert_eq!(displaced_messages(&*store).await, 2);
    assert_eq!(taken(&*store, "cie", monday(), "09:00").await, 3);

    let closures = store.closures(now()).await.unwrap();
    assert_eq!(closures.len(), 1);
    assert_eq!(closures[0], saved);
}

async fn a_booking_made_after_the_reading_refuses_the_change<S: Store + 'static>(store: Arc<S>) {
    let (saved, slots) = strike(ID);
    let found = store.bookings_at(&slots, now()).await.unwrap();
    assert!(found.is_empty());
    // Meanwhile a citizen confirms a booking on a closed seat.
    let (anna, _) = book_confirmed(&*store, "spid", monday(), "09:00", "anna@example.it").await;
    let refused = store.close(&close_request(&saved, &slots, &found), now()).await;
    assert!(matches!(refused, Err(StoreError::NotForeseen)), "{refused:?}");
    let anna_now = store.booking_by_hold(&anna.hold(), now()).await.unwrap();
    assert_eq!(
        anna_now.state,
        BookingState::Confirmed,
        "not displaced without her message"
    );
    assert_eq!(displaced_messages(&*store).await, 0);

    // Read again, composed again: done.
    let found = store.bookings_at(&slots, now()).await.unwrap();
    let closed = store
        .close(&close_request(&saved, &slots, &found), now())
        .await
        .unwrap();
    assert_eq!(closed.displaced.len(), 1);
    assert_eq!(displaced_messages(&*store).await, 1);
}

async fn racing_holds_and_a_closure_give_each_seat_once<S: Store + 'static>(store: Arc<S>) {
    let (saved, slots) = strike(ID);
    let mut racers = Vec::new();
    for _ in 0..8 {
        let store = Arc::clone(&store);
        racers.push(tokio::spawn(async move {
            let (token, request) = hold_request("cie", monday(), "09:00", now());
            store.hold(&request, now()).await.ok().map(|()| token)
        }));
    }
    let closing = {
        let store = Arc::clone(&store);
        let (saved, slots) = (saved.clone(), slots.clone());
        tokio::spawn(async move { store.close(&close_request(&saved, &slots, &[]), now()).await })
    };
    let mut holds = Vec::new();
    for racer in racers {
        holds.extend(racer.await.unwrap());
    }
    closing.await.unwrap().unwrap();
    assert!(holds.len() <= 3, "never more holds than desks");
    // Whatever the order, no citizen keeps a hold on the closed counter, and the seats are full.
    for hold in &holds {
        let booking = store.booking_by_hold(&hold.hash(), now()).await.unwrap();
        assert_eq!(
            booking.state,
            BookingState::Cancelled,
            "a hold on a closed seat is released"
        );
    }
    assert_eq!(taken(&*store, "cie", monday(), "09:00").await, 3);
    let (_, late) = hold_request("cie", monday(), "09:00", now());
    assert!(matches!(
        store.hold(&late, now()).await,
        Err(StoreError::SlotTaken)
    ));
}

async fn a_displaced_booking_moves_or_cancels_and_its_seat_stays_closed<S: Store + 'static>(store: Arc<S>) {
    let (anna, _) = book_confirmed(&*store, "spid", monday(), "09:00", "anna@example.it").await;
    let (bruno, bruno_page) = book_confirmed(&*store, "cie", monday(), "09:15", "bruno@example.it").await;
    let (saved, slots) = strike(ID);
    let found = store.bookings_at(&slots, now()).await.unwrap();
    store
        .close(&close_request(&saved, &slots, &found), now())
        .await
        .unwrap();
    let kept_closed = |name: &str, ends_at| Reservation {
        hold: Token::generate().unwrap().hash(),
        until: ends_at,
        closure: Some(name.to_owned()),
    };

    // Anna picks Tuesday 10:00: confirmed there, and her Monday seat stays closed.
    let tuesday = monday() + Duration::days(1);
    let to = slot("spid", tuesday, "10:00");
    let request = MoveRequest {
        booking: anna.clone(),
        erase_after: to.ends_at + Duration::days(2),
        to,
        capacity: 1,
        quota: QuotaPolicy::default(),
        messages: vec![message(MessageKind::BookingMoved)],
        reserve: Some(kept_closed(ID, slot("spid", monday(), "09:00").ends_at)),
        from_closure: None,
    };
    let moved = store.move_booking(&request, now()).await.unwrap();
    assert!(moved.changed);
    assert_eq!(moved.booking.state, BookingState::Confirmed);
    assert_eq!(
        (moved.booking.date, moved.booking.start),
        (tuesday, time("10:00"))
    );
    assert_eq!(taken(&*store, "spid", tuesday, "10:00").await, 1);
    assert_eq!(taken(&*store, "spid", monday(), "09:00").await, 1, "closed still");
    let (_, late) = hold_request("spid", monday(), "09:00", now());
    assert!(matches!(
        store.hold(&late, now()).await,
        Err(StoreError::SlotTaken)
    ));

    // Bruno cancels: cancelled, his seat closed.
    let reserve = kept_closed(ID, slot("cie", monday(), "09:15").ends_at);
    let cancelled = store
        .cancel(&bruno_page.hash(), Some(&reserve), &[], now())
        .await
        .unwrap();
    assert_eq!(cancelled.booking.state, BookingState::Cancelled);
    assert_eq!(taken(&*store, "cie", monday(), "09:15").await, 3);

    // Reopened: every seat the closure held is free; none other.
    let reopened = store
        .reopen(ID, &slots, now())
        .await
        .unwrap()
        .expect("the closure");
    assert_eq!(reopened.reopened_at, Some(now()));
    for start in ["09:00", "09:15", "09:30", "09:45"] {
        assert_eq!(taken(&*store, "cie", monday(), start).await, 0, "cie {start}");
        assert_eq!(taken(&*store, "spid", monday(), start).await, 0, "spid {start}");
    }
    assert_eq!(
        taken(&*store, "spid", tuesday, "10:00").await,
        1,
        "Anna's new seat is hers"
    );
    let _ = bruno;
    assert_eq!(store.closures(now()).await.unwrap()[0].reopened_at, Some(now()));
    assert!(
        store
            .reopen("ffffffffffffffffffffffffffffffff", &slots, now())
            .await
            .unwrap()
            .is_none()
    );
}

async fn reopening_leaves_displaced_bookings_on_their_seats<S: Store + 'static>(store: Arc<S>) {
    book_confirmed(&*store, "spid", monday(), "09:00", "anna@example.it").await;
    let (saved, slots) = strike(ID);
    let found = store.bookings_at(&slots, now()).await.unwrap();
    store
        .close(&close_request(&saved, &slots, &found), now())
        .await
        .unwrap();
    store.reopen(ID, &slots, now()).await.unwrap();
    assert_eq!(
        taken(&*store, "spid", monday(), "09:00").await,
        1,
        "Anna's, displaced"
    );
    assert_eq!(taken(&*store, "cie", monday(), "09:00").await, 0);
    assert_eq!(taken(&*store, "spid", monday(), "09:15").await, 0);
}

async fn displaced_citizens_get_the_kept_seats_first<S: Store + 'static>(store: Arc<S>) {
    let (anna, _) = book_confirmed(&*store, "spid", monday(), "09:00", "anna@example.it").await;
    let (saved, slots) = strike(ID);
    let found = store.bookings_at(&slots, now()).await.unwrap();
    store
        .close(&close_request(&saved, &slots, &found), now())
        .await
        .unwrap();
    let tuesday = monday() + Duration::days(1);
    let seat = PrioritySeat {
        offering: offering("spid"),
        slot: slot("spid", tuesday, "10:00"),
        capacity: 1,
        until: now() + Duration::hours(48),
    };
    let (_, taken_first) = hold_request("spid", tuesday, "10:15", now());
    store.hold(&taken_first, now()).await.unwrap();
    let other = PrioritySeat {
        slot: slot("spid", tuesday, "10:15"),
        ..seat.clone()
    };
    let third = PrioritySeat {
        slot: slot("spid", tuesday, "10:45"),
        ..seat.clone()
    };
    let until = seat.until;
    let kept = store
        .keep_for_displaced(ID, &[seat.clone(), other.clone(), third], now())
        .await
        .unwrap();
    assert_eq!(kept, 2, "10:15 was a citizen's already");
    let listed = store
        .kept_for_displaced(ID, &offering("spid"), now())
        .await
        .unwrap();
    assert_eq!(
        listed.get(&tuesday).and_then(|day| day.get(&time("10:00"))),
        Some(&1)
    );
    let cie = store
        .kept_for_displaced(ID, &offering("cie"), now())
        .await
        .unwrap();
    assert!(!cie.contains_key(&tuesday), "{cie:?}");

    // Nobody else gets it: neither a hold nor a move of an ordinary booking.
    let (_, public) = hold_request("spid", tuesday, "10:00", now());
    assert!(matches!(
        store.hold(&public, now()).await,
        Err(StoreError::SlotTaken)
    ));
    let (bruno, _) = book_confirmed(&*store, "spid", monday(), "11:00", "bruno@example.it").await;
    let to = slot("spid", tuesday, "10:00");
    let request = |booking: &BookingId, from_closure: Option<String>, reserve| MoveRequest {
        booking: booking.clone(),
        erase_after: to.ends_at + Duration::days(2),
        to: to.clone(),
        capacity: 1,
        quota: QuotaPolicy::default(),
        messages: vec![message(MessageKind::BookingMoved)],
        reserve,
        from_closure,
    };
    let refused = store.move_booking(&request(&bruno, None, None), now()).await;
    assert!(matches!(refused, Err(StoreError::SlotTaken)), "{refused:?}");

    // Anna, displaced by this closure, takes it.
    let reserve = Reservation {
        hold: Token::generate().unwrap().hash(),
        until: slot("spid", monday(), "09:00").ends_at,
        closure: Some(ID.to_owned()),
    };
    let moved = store
        .move_booking(&request(&anna, Some(ID.to_owned()), Some(reserve)), now())
        .await
        .unwrap();
    assert_eq!(
        (moved.booking.date, moved.booking.state),
        (tuesday, BookingState::Confirmed)
    );
    assert_eq!(taken(&*store, "spid", tuesday, "10:00").await, 1);
    let left = store
        .kept_for_displaced(ID, &offering("spid"), now())
        .await
        .unwrap();
    let tuesday_left: Vec<_> = left
        .get(&tuesday)
        .map(|day| day.keys().copied().collect())
        .unwrap_or_default();
    assert_eq!(tuesday_left, [time("10:45")], "10:00 taken: {left:?}");

    // An unused kept seat is everyone's again when the priority ends.
    let seat = PrioritySeat {
        slot: slot("spid", tuesday, "11:00"),
        ..seat
    };
    store
        .keep_for_displaced(ID, std::slice::from_ref(&seat), now())
        .await
        .unwrap();
    let (_, early) = hold_request("spid", tuesday, "11:00", now());
    assert!(matches!(
        store.hold(&early, now()).await,
        Err(StoreError::SlotTaken)
    ));
    let (_, late) = hold_request("spid", tuesday, "11:00", until);
    store.hold(&late, until).await.unwrap();

    // Reopening the closure frees the seats it keeps too.
    let seat = PrioritySeat {
        slot: slot("spid", tuesday, "11:30"),
        ..seat
    };
    store.keep_for_displaced(ID, &[seat], now()).await.unwrap();
    store.reopen(ID, &slots, now()).await.unwrap();
    let (_, after) = hold_request("spid", tuesday, "11:30", now());
    store.hold(&after, now()).await.unwrap();
}

/// A citizen booking on a closed seat while the closure is saved: holds, gives details, confirms,
/// going on whatever each step answers. Returns the booking's id once it has a hold.
async fn book_racing<S: Store + ?Sized>(store: &S, start: &str, n: usize) -> Option<BookingId> {
    let (hold, request) = hold_request("cie", monday(), start, now());
    store.hold(&request, now()).await.ok()?;
    let (confirm, details) = details_request(hold.hash(), &format!("citizen{n}@example.it"), now());
    if store.submit_details(&details, now()).await.is_ok() {
        let page = Token::generate().unwrap();
        let _ = store.confirm(&confirm.hash(), &[page.hash()], &[], now()).await;
    }
    Some(BookingId::of_hold(&hold.hash()))
}

async fn citizens_booking_while_it_is_saved_are_displaced_and_told_or_refused<S: Store + 'static>(
    store: Arc<S>,
) {
    let (saved, slots) = strike(ID);
    let mut citizens = Vec::new();
    for n in 0..9 {
        let store = Arc::clone(&store);
        let start = ["09:00", "09:15", "09:30"][n % 3];
        citizens.push(tokio::spawn(async move { book_racing(&*store, start, n).await }));
    }
    // The use case's loop: read, compose, close; read again when a booking appeared meanwhile.
    let closing = {
        let store = Arc::clone(&store);
        tokio::spawn(async move {
            for _ in 0..50 {
                let found = store.bookings_at(&slots, now()).await.unwrap();
                match store.close(&close_request(&saved, &slots, &found), now()).await {
                    Err(StoreError::NotForeseen) => tokio::task::yield_now().await,
                    closed => return closed.unwrap(),
                }
            }
            panic!("the closure never got through");
        })
    };
    let mut booked = Vec::new();
    for citizen in citizens {
        booked.extend(citizen.await.unwrap());
    }
    closing.await.unwrap();
    // Saved again once every citizen is done (what a retry would find): nothing left to take.
    let found = store.bookings_at(&strike(ID).1, now()).await.unwrap();
    let again = store
        .close(&close_request(&strike(ID).0, &strike(ID).1, &found), now())
        .await
        .unwrap();
    assert!(again.displaced.is_empty(), "{again:?}");

    let mut displaced = 0;
    for id in &booked {
        let booking = store.booking_by_hold(&id.hold(), now()).await.unwrap();
        match booking.state {
            BookingState::Displaced => displaced += 1,
            // A hold released by the closure, or one whose details came too late.
            BookingState::Cancelled => {}
            other => panic!("a booking left {other:?} on a closed counter"),
        }
    }
    assert_eq!(
        displaced_messages(&*store).await,
        displaced,
        "every displaced booking told, once"
    );
    for start in ["09:00", "09:15", "09:30", "09:45"] {
        assert_eq!(
            taken(&*store, "cie", monday(), start).await,
            3,
            "{start}: every seat, once"
        );
    }
}

on_both_stores! {
    a_closure_takes_every_seat_once: sqlite_closes_every_seat_once, dynamodb_closes_every_seat_once;
    a_booking_made_after_the_reading_refuses_the_change: sqlite_refuses_an_unforeseen_booking, dynamodb_refuses_an_unforeseen_booking;
    racing_holds_and_a_closure_give_each_seat_once: sqlite_racing_holds_and_a_closure, dynamodb_racing_holds_and_a_closure;
    a_displaced_booking_moves_or_cancels_and_its_seat_stays_closed: sqlite_displaced_moves_and_cancels, dynamodb_displaced_moves_and_cancels;
    reopening_leaves_displaced_bookings_on_their_seats: sqlite_reopening_leaves_displaced, dynamodb_reopening_leaves_displaced;
    displaced_citizens_get_the_kept_seats_first: sqlite_priority_for_displaced, dynamodb_priority_for_displaced;
    citizens_booking_while_it_is_saved_are_displaced_and_told_or_refused: sqlite_citizens_racing_a_closure, dynamodb_citizens_racing_a_closure;
}
