//! The waiting list on every store: a cancelled seat is kept from the public and handed to the
//! offered citizen's hold, invisible to others until the offer lapses; a lapsed offer is handed
//! on to the next place in one change; an offer taken (its details sent) cannot be handed on, and
//! sent twice gives one booking; racing offers of one seat give it once; a contact's cap holds
//! under races; places are confirmed once, not after their time, and never drawn while pending
//! or offered.

#[macro_use]
mod support;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use prenota_core::catalogue::Lang;
use prenota_core::contact::Contact;
use prenota_core::lifecycle::TransitionError;
use prenota_core::waiting::{FreedBy, FreedSeat, Waiting};
use prenota_core::{BookingId, BookingState, OfficeId, ServiceId, Token, TokenHash};
use prenota_store::{
    HoldRequest, MessageKind, NewPlace, PlaceState, Reservation, SeatOffer, Store, StoreError,
};
use support::{book_confirmed, details_request, hold_request, message, monday, now, offering, secret, slot};

/// A place of `contact` for SPID at u1 in the week of Monday, confirmed unless `pending`: its code.
async fn join<S: Store + ?Sized>(store: &S, contact: &str, pending: bool) -> Token {
    let code = Token::generate().unwrap();
    let contact = Contact::parse(contact).unwrap();
    let place = NewPlace {
        code: code.hash(),
        waiting: Waiting {
            service: ServiceId::parse("spid").unwrap(),
            offices: vec![OfficeId::parse("u1").unwrap()],
            from: monday(),
            to: monday() + Duration::days(4),
            joined_at: now(),
            channel: contact.channel(),
        },
        contact_key: contact.key(&secret()),
        contact,
        lang: Lang::It,
        confirm_by: now() + Duration::hours(24),
        keep_until: now() + Duration::days(10),
    };
    store
        .join_waiting(&place, &[message(MessageKind::WaitingConfirm)], now())
        .await
        .unwrap();
    if !pending {
        store.confirm_waiting(&code.hash(), 3, now()).await.unwrap();
    }
    code
}

/// Whether anyone can hold SPID at 09:00 on Monday at `at` (released again at once).
async fn public_can_hold<S: Store + ?Sized>(store: &S, at: DateTime<Utc>) -> bool {
    let (hold, request) = hold_request("spid", monday(), "09:00", at);
    match store.hold(&request, at).await {
        Ok(()) => {
            store.release(&hold.hash(), at).await.unwrap();
            true
        }
        Err(StoreError::SlotTaken) => false,
        Err(other) => panic!("{other}"),
    }
}

/// The offer of the seat kept by `from` to `place`, lasting 30 minutes: the offer's hold token.
fn offer(
    from: &TokenHash,
    place: &Token,
    previous: Option<&Token>,
    offered: &[&Token],
    at: DateTime<Utc>,
) -> (Token, SeatOffer) {
    let hold = Token::generate().unwrap();
    let seat = SeatOffer {
        from: *from,
        hold: HoldRequest::one(
            hold.hash(),
            offering("spid"),
            slot("spid", monday(), "09:00"),
            1,
            at + Duration::minutes(32),
        ),
        place: place.hash(),
        previous: previous.map(Token::hash),
        freed: FreedSeat {
            offering: offering("spid"),
            date: monday(),
            freed_at: now(),
            by: FreedBy::Cancelled,
        },
        offered: offered.iter().map(|token| token.hash()).collect(),
        messages: vec![message(MessageKind::WaitingOffer)],
    };
    (hold, seat)
}

/// A confirmed SPID booking at 09:00 on Monday, cancelled with its seat kept until 10 minutes
/// later: the reservation's hold.
async fn cancel_keeping<S: Store + ?Sized>(store: &S) -> TokenHash {
    let (_, page) = book_confirmed(store, "spid", monday(), "09:00", "anna@example.it").await;
    let reservation = Reservation {
        hold: Token::generate().unwrap().hash(),
        until: now() + Duration::minutes(10),
        closure: None,
    };
    let cancelled = store
        .cancel(&page.hash(), Some(&reservation), &[], now())
        .await
        .unwrap();
    assert_eq!(cancelled.booking.state, BookingState::Cancelled);
    reservation.hold
}

async fn a_cancelled_seat_goes_to_the_offered_citizen_alone<S: Store + 'static>(store: Arc<S>) {
    let place = join(&*store, "bruno@example.it", false).await;
    let kept = cancel_keeping(&*store).await;
    for minutes in [0, 9] {
        assert!(
            !public_can_hold(&*store, now() + Duration::minutes(minutes)).await,
            "kept from the public"
        );
    }
    let waiting = store
        .places_waiting(&ServiceId::parse("spid").unwrap(), now())
        .await
        .unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].code, place.hash());

    let (hold, seat) = offer(&kept, &place, None, &[&place], now());
    store.offer_seat(&seat, now()).await.unwrap();
    let offered = store.waiting_place(&place.hash(), now()).await.unwrap();
    assert_eq!(offered.state, PlaceState::Offered);
    let booking = BookingId::of_hold(&hold.hash());
    assert_eq!(offered.offer.as_ref(), Some(&booking));
    assert!(
        store
            .places_waiting(&offered.waiting.service, now())
            .await
            .unwrap()
            .is_empty()
    );
    let recorded = store.offer_of(&booking, now()).await.unwrap().unwrap();
    assert_eq!(
        (recorded.place, recorded.offered),
        (place.hash(), vec![place.hash()])
    );
    assert_eq!(recorded.freed, seat.freed);
    assert!(
        store
            .offer_of(&BookingId::of_hold(&kept), now())
            .await
            .unwrap()
            .is_none()
    );

    // Invisible to others while the offer lasts, whatever the reservation's own time.
    for minutes in [0, 11, 31] {
        assert!(
            !public_can_hold(&*store, now() + Duration::minutes(minutes)).await,
            "{minutes} min"
        );
    }
    let held = store.booking_by_hold(&hold.hash(), now()).await.unwrap();
    assert_eq!(held.state, BookingState::Held);
    // The kept seat was handed over once: handing it again finds nothing.
    let (_, again) = offer(&kept, &place, None, &[&place], now());
    assert!(matches!(
        store.offer_seat(&again, now()).await,
        Err(StoreError::NotFound)
    ));
    // Lapsed and not handed on: public.
    assert!(public_can_hold(&*store, now() + Duration::minutes(33)).await);
}

async fn a_lapsed_offer_goes_to_the_next_and_a_taken_one_stays<S: Store + 'static>(store: Arc<S>) {
    let (first, second) = (
        join(&*store, "bruno@example.it", false).await,
        join(&*store, "carla@example.it", false).await,
    );
    let kept = cancel_keeping(&*store).await;
    let (first_hold, seat) = offer(&kept, &first, None, &[&first], now());
    store.offer_seat(&seat, now()).await.unwrap();

    // At the offer's time, before its grace ends: handed on in one change.
    let lapse = now() + Duration::minutes(30);
    let (second_hold, seat) = offer(
        &first_hold.hash(),
        &second,
        Some(&first),
        &[&first, &second],
        lapse,
    );
    store.offer_seat(&seat, lapse).await.unwrap();
    assert_eq!(
        store.waiting_place(&first.hash(), lapse).await.unwrap().state,
        PlaceState::Waiting
    );
    assert_eq!(
        store.waiting_place(&second.hash(), lapse).await.unwrap().state,
        PlaceState::Offered
    );
    assert!(!public_can_hold(&*store, lapse).await);
    assert_eq!(
        store
            .booking_by_hold(&first_hold.hash(), lapse)
            .await
            .unwrap()
            .state,
        BookingState::Cancelled,
        "the lapsed offer's hold is released"
    );

    // The second citizen sends their details: the offer is taken, twice sent gives one booking.
    let (_, details) = details_request(second_hold.hash(), "carla@example.it", lapse);
    let (_, again) = details_request(second_hold.hash(), "carla@example.it", lapse);
    let (one, two) = tokio::join!(
        store.submit_details(&details, lapse),
        store.submit_details(&again, lapse)
    );
    assert_eq!(
        [one.is_ok(), two.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "one booking: {one:?} {two:?}"
    );
    // Taken: it cannot be handed on, and its place leaves the list when the offer ends.
    let later = lapse + Duration::minutes(1);
    let (_, seat) = offer(
        &second_hold.hash(),
        &first,
        Some(&second),
        &[&first, &second],
        later,
    );
    assert!(matches!(
        store.offer_seat(&seat, later).await,
        Err(StoreError::Transition(TransitionError::AlreadySubmitted))
    ));
    let second_booking = BookingId::of_hold(&second_hold.hash());
    store.end_offer(&second_booking, true, later).await.unwrap();
    store.end_offer(&second_booking, true, later).await.unwrap();
    assert_eq!(
        store.waiting_place(&second.hash(), later).await.unwrap().state,
        PlaceState::Left
    );
    assert_eq!(
        store.waiting_place(&first.hash(), later).await.unwrap().state,
        PlaceState::Waiting
    );
    // An offer that ends unbooked puts its place back on the list.
    let third = join(&*store, "dario@example.it", false).await;
    let kept = {
        let (_, page) = book_confirmed(&*store, "spid", monday(), "09:15", "elena@example.it").await;
        let reservation = Reservation {
            hold: Token::generate().unwrap().hash(),
            until: now() + Duration::minutes(10),
            closure: None,
        };
        store
            .cancel(&page.hash(), Some(&reservation), &[], now())
            .await
            .unwrap();
        reservation.hold
    };
    let (hold, mut seat) = offer(&kept, &third, None, &[&third], now());
    seat.hold.seats = vec![slot("spid", monday(), "09:15")];
    store.offer_seat(&seat, now()).await.unwrap();
    store
        .end_offer(&BookingId::of_hold(&hold.hash()), false, now())
        .await
        .unwrap();
    assert_eq!(
        store.waiting_place(&third.hash(), now()).await.unwrap().state,
        PlaceState::Waiting
    );
}

async fn places_are_confirmed_once_within_the_cap<S: Store + 'static>(store: Arc<S>) {
    let unknown = Token::generate().unwrap();
    assert!(matches!(
        store.waiting_place(&unknown.hash(), now()).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.confirm_waiting(&unknown.hash(), 3, now()).await,
        Err(StoreError::NotFound)
    ));

    let pending = join(&*store, "fabio@example.it", true).await;
    let spid = ServiceId::parse("spid").unwrap();
    assert!(
        store.places_waiting(&spid, now()).await.unwrap().is_empty(),
        "pending is never drawn"
    );
    let late = now() + Duration::hours(25);
    assert!(matches!(
        store.confirm_waiting(&pending.hash(), 3, late).await,
        Err(StoreError::Transition(TransitionError::Expired))
    ));
    let confirmed = store.confirm_waiting(&pending.hash(), 3, now()).await.unwrap();
    assert!(confirmed.changed);
    assert_eq!(confirmed.place.state, PlaceState::Waiting);
    assert!(
        !store
            .confirm_waiting(&pending.hash(), 3, now())
            .await
            .unwrap()
            .changed
    );
    assert!(
        store
            .waiting_place(&pending.hash(), now() + Duration::days(11))
            .await
            .is_err(),
        "gone after its last day"
    );

    // Six places of one contact confirmed at once (the same address written two ways): three.
    let codes: Vec<Token> = futures::future::join_all(
        [
            "gina@example.it",
            "Gina@Example.it",
            "gina@example.it",
            "gina@example.it",
            "GINA@example.it",
            "gina@example.it",
        ]
        .into_iter()
        .map(|contact| join(&*store, contact, true)),
    )
    .await;
    let mut racing = tokio::task::JoinSet::new();
    for code in &codes {
        let (store, code) = (Arc::clone(&store), code.hash());
        racing.spawn(async move { store.confirm_waiting(&code, 3, now()).await });
    }
    let mut confirmed = 0;
    while let Some(result) = racing.join_next().await {
        match result.unwrap() {
            Ok(_) => confirmed += 1,
            Err(StoreError::TooManyPlaces(3)) => {}
            Err(other) => panic!("{other}"),
        }
    }
    assert_eq!(confirmed, 3);
    // Leaving gives the place back to the contact's cap.
    let mut states = Vec::new();
    for code in &codes {
        states.push((
            code,
            store.waiting_place(&code.hash(), now()).await.unwrap().state,
        ));
    }
    let (waiting, _) = states
        .iter()
        .find(|(_, state)| *state == PlaceState::Waiting)
        .unwrap();
    let (still_pending, _) = states
        .iter()
        .find(|(_, state)| *state == PlaceState::Pending)
        .unwrap();
    let left = store.leave_waiting(&waiting.hash(), now()).await.unwrap();
    assert!(left.changed && left.place.state == PlaceState::Left);
    assert!(!store.leave_waiting(&waiting.hash(), now()).await.unwrap().changed);
    assert!(matches!(
        store.confirm_waiting(&waiting.hash(), 3, now()).await,
        Err(StoreError::Transition(TransitionError::Cancelled))
    ));
    assert!(
        store
            .confirm_waiting(&still_pending.hash(), 3, now())
            .await
            .unwrap()
            .changed
    );
}

async fn a_move_keeps_the_old_seat_for_the_list<S: Store + 'static>(store: Arc<S>) {
    let (id, _) = book_confirmed(&*store, "spid", monday(), "09:00", "anna@example.it").await;
    let reservation = Reservation {
        hold: Token::generate().unwrap().hash(),
        until: now() + Duration::minutes(2),
        closure: None,
    };
    let to = slot("spid", monday(), "10:00");
    let request = prenota_store::MoveRequest {
        booking: id,
        erase_after: to.ends_at + Duration::days(7),
        to,
        capacity: 1,
        quota: prenota_core::QuotaPolicy::default(),
        messages: vec![],
        reserve: Some(reservation.clone()),
        from_closure: None,
    };
    assert!(store.move_booking(&request, now()).await.unwrap().changed);
    assert!(!public_can_hold(&*store, now()).await, "the old seat is kept");
    assert!(
        public_can_hold(&*store, now() + Duration::minutes(2)).await,
        "until the reservation ends"
    );
    // Nobody waiting: the draw gives it back at once.
    store.release(&reservation.hold, now()).await.unwrap();
    assert!(public_can_hold(&*store, now()).await);
}

/// Two senders may draw for the same order at once (a retried stream record, a sweep): eight
/// offers of one kept seat to eight places race, one wins, the others find it gone and their
/// places still wait.
async fn racing_offers_of_one_seat_give_it_once<S: Store + 'static>(store: Arc<S>) {
    let mut places = Vec::new();
    for i in 0..8 {
        places.push(join(&*store, &format!("corsa{i}@example.it"), false).await);
    }
    let kept = cancel_keeping(&*store).await;
    let mut racing = tokio::task::JoinSet::new();
    for place in &places {
        let (hold, seat) = offer(&kept, place, None, &[place], now());
        let store = store.clone();
        racing.spawn(async move { (hold, store.offer_seat(&seat, now()).await) });
    }
    let mut won = Vec::new();
    while let Some(joined) = racing.join_next().await {
        match joined.unwrap() {
            (hold, Ok(())) => won.push(hold),
            (_, Err(StoreError::NotFound | StoreError::Transition(_))) => {}
            (_, Err(other)) => panic!("{other}"),
        }
    }
    assert_eq!(won.len(), 1, "one offer of the seat");
    let held = store.booking_by_hold(&won[0].hash(), now()).await.unwrap();
    assert_eq!(held.state, BookingState::Held);
    let service = ServiceId::parse("spid").unwrap();
    assert_eq!(
        store.places_waiting(&service, now()).await.unwrap().len(),
        7,
        "the others still wait"
    );
    assert!(!public_can_hold(&*store, now() + Duration::minutes(20)).await);
}

/// A pending SPID booking at `start` on Monday, not to be confirmed: its id, and when its
/// confirmation deadline has passed.
async fn unconfirmed<S: Store + ?Sized>(store: &S, start: &str) -> (BookingId, DateTime<Utc>) {
    let (hold, request) = hold_request("spid", monday(), start, now());
    store.hold(&request, now()).await.unwrap();
    let contact = format!("lento{}@example.it", start.replace(':', ""));
    let (_, details) = details_request(hold.hash(), &contact, now());
    store.submit_details(&details, now()).await.unwrap();
    (
        BookingId::of_hold(&hold.hash()),
        details.confirm_by + Duration::seconds(30),
    )
}

/// The reservation that keeps the seat at `start` of an expired booking at `at`, for 2 minutes.
fn kept_request(at: DateTime<Utc>, start: &str) -> (TokenHash, HoldRequest) {
    let hold = Token::generate().unwrap().hash();
    let capacity = support::catalogue().offering(&offering("spid")).unwrap().desks;
    let request = HoldRequest::one(
        hold,
        offering("spid"),
        slot("spid", monday(), start),
        capacity,
        at + Duration::minutes(2),
    );
    (hold, request)
}

/// A booking not confirmed in time: its seat is kept for the draw once it has expired — not
/// before, not twice, not when someone took it first — and racing keeps and a public hold never
/// give the seat twice.
async fn an_expired_bookings_seat_is_kept_once_unless_taken<S: Store + 'static>(store: Arc<S>) {
    let (expired, after) = unconfirmed(&*store, "09:00").await;
    let before = after - Duration::minutes(5);
    let (_, early) = kept_request(before, "09:00");
    let order = [message(MessageKind::SeatFreed)];
    assert!(
        !store
            .keep_expired_seat(&expired, &early, &order, before)
            .await
            .unwrap()
    );

    let (kept, request) = kept_request(after, "09:00");
    assert!(
        store
            .keep_expired_seat(&expired, &request, &order, after)
            .await
            .unwrap()
    );
    let reservation = store.booking_by_hold(&kept, after).await.unwrap();
    assert_eq!(reservation.state, BookingState::Held);
    assert!(!public_can_hold(&*store, after).await, "kept from the public");
    assert!(
        !store
            .keep_expired_seat(&expired, &request, &order, after)
            .await
            .unwrap(),
        "a repeat keeps nothing more"
    );
    let (_, other) = kept_request(after, "09:00");
    assert!(
        !store
            .keep_expired_seat(&expired, &other, &order, after)
            .await
            .unwrap()
    );
    assert!(
        public_can_hold(&*store, after + Duration::minutes(3)).await,
        "the keep lapses"
    );

    // Taken by the public between the deadline and the timer: nothing kept.
    let (taken, later) = unconfirmed(&*store, "09:30").await;
    let (public, hold) = hold_request("spid", monday(), "09:30", later);
    store.hold(&hold, later).await.unwrap();
    let (_, request) = kept_request(later, "09:30");
    assert!(
        !store
            .keep_expired_seat(&taken, &request, &order, later)
            .await
            .unwrap()
    );
    assert_eq!(
        store.booking_by_hold(&public.hash(), later).await.unwrap().state,
        BookingState::Held
    );

    // Racing keeps of one expired seat, with a public hold among them: the seat goes once.
    let (raced, when) = unconfirmed(&*store, "10:00").await;
    let mut racing = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let (store, raced) = (store.clone(), raced.clone());
        racing.spawn(async move {
            let (_, request) = kept_request(when, "10:00");
            store
                .keep_expired_seat(&raced, &request, &[message(MessageKind::SeatFreed)], when)
                .await
                .unwrap()
        });
    }
    let public = {
        let store = store.clone();
        tokio::spawn(async move {
            let (_, hold) = hold_request("spid", monday(), "10:00", when);
            store.hold(&hold, when).await.is_ok()
        })
    };
    let mut kept_count = 0;
    while let Some(kept) = racing.join_next().await {
        kept_count += usize::from(kept.unwrap());
    }
    let public = usize::from(public.await.unwrap());
    assert_eq!(kept_count + public, 1, "kept {kept_count}, public {public}");
}

on_both_stores! {
    a_cancelled_seat_goes_to_the_offered_citizen_alone: sqlite_offers_a_cancelled_seat, dynamodb_offers_a_cancelled_seat;
    a_lapsed_offer_goes_to_the_next_and_a_taken_one_stays: sqlite_hands_a_lapsed_offer_on, dynamodb_hands_a_lapsed_offer_on;
    places_are_confirmed_once_within_the_cap: sqlite_confirms_places_within_the_cap, dynamodb_confirms_places_within_the_cap;
    a_move_keeps_the_old_seat_for_the_list: sqlite_keeps_a_moved_seat, dynamodb_keeps_a_moved_seat;
    racing_offers_of_one_seat_give_it_once: sqlite_offers_one_seat_once_under_races, dynamodb_offers_one_seat_once_under_races;
    an_expired_bookings_seat_is_kept_once_unless_taken: sqlite_keeps_an_expired_seat, dynamodb_keeps_an_expired_seat;
}
