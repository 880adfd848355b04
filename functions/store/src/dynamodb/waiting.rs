//! The waiting list on DynamoDB. A service's places share one partition (`WAITLIST#service`), so
//! the draw reads them with one Query; a link code finds its place through a small item of its
//! own (`WAITCODE#hash`). A contact's cap is a set of quota seats (`QUOTA#contact / WAIT#k`) claimed
//! by the confirmation; an offer is an item under its hold's booking (`OFFER#booking`). Every
//! change reads, decides and writes one transaction, conditioned on what it read.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::TransactWriteItem;
use chrono::{DateTime, Utc};
use prenota_core::dates::format_date;
use prenota_core::lifecycle::{Event, Transition};
use prenota_core::{BookingId, BookingState, ServiceId, TokenHash};

use super::items::{item_is_free, number, optional_text};
use super::keys::{CLAIM_FREE, Item, epoch_seconds, key, n, quota_pk, s};
use super::transact::{AsyncDecide, Decision, put_new, queue, tx_delete, tx_put, tx_update};
use super::{DynamoStore, TIDY_AFTER};
use crate::waiting::{confirm_changes, joined, stored_offer, stored_place};
use crate::{
    HoldRequest, NewPlace, OutboxMessage, PlaceOutcome, PlaceState, SeatOffer, StoreError, StoreResult,
    StoredOffer, WaitingList, WaitingPlace, millis, transition,
};

fn place_key(service: &ServiceId, code: &TokenHash) -> Item {
    key(format!("WAITLIST#{service}"), &format!("PLACE#{}", code.to_hex()))
}

fn code_key(code: &TokenHash) -> Item {
    key(format!("WAITCODE#{}", code.to_hex()), "WAITCODE")
}

fn offer_key(booking: &BookingId) -> Item {
    key(format!("OFFER#{booking}"), "OFFER")
}

fn with(
    mut item: Item,
    values: impl IntoIterator<Item = (&'static str, aws_sdk_dynamodb::types::AttributeValue)>,
) -> Item {
    item.extend(values.into_iter().map(|(name, value)| (name.to_owned(), value)));
    item
}

/// A place item as read, with where it stands in the contact's cap.
struct PlaceItem {
    place: WaitingPlace,
    /// The quota seat it holds in its contact's cap (`WAIT#k`), once confirmed.
    cap_key: Option<Item>,
}

impl DynamoStore {
    async fn place_item(&self, code: &TokenHash, now: DateTime<Utc>) -> StoreResult<PlaceItem> {
        let found = self.get(code_key(code)).await?.ok_or(StoreError::NotFound)?;
        let service = super::items::text(&found, "service")?;
        let service = ServiceId::parse(service).map_err(|_| crate::stored::corrupt("service", service))?;
        self.place_of(&service, code, now).await
    }

    async fn place_of(
        &self,
        service: &ServiceId,
        code: &TokenHash,
        now: DateTime<Utc>,
    ) -> StoreResult<PlaceItem> {
        let item = self
            .get(place_key(service, code))
            .await?
            .ok_or(StoreError::NotFound)?;
        place_from(&item, now)?.ok_or(StoreError::NotFound)
    }
}

/// The place of an item still kept at `now`.
fn place_from(item: &Item, now: DateTime<Utc>) -> StoreResult<Option<PlaceItem>> {
    if number(item, "keep_until")? <= millis(now) {
        return Ok(None);
    }
    let cap_key = match (optional_text(item, "cap_pk"), optional_text(item, "cap_sk")) {
        (Some(pk), Some(sk)) => Some(key(pk.to_owned(), sk)),
        _ => None,
    };
    Ok(Some(PlaceItem {
        place: stored_place(item)?,
        cap_key,
    }))
}

/// Sets a place's state (and offer) under the condition that it is still in the state read.
fn set_place(
    store: &DynamoStore,
    place: &WaitingPlace,
    to: PlaceState,
    offer: Option<&BookingId>,
) -> StoreResult<TransactWriteItem> {
    let update = match offer {
        Some(booking) => store
            .update(
                place_key(&place.waiting.service, &place.code),
                "SET #state = :to, offer = :offer",
            )
            .expression_attribute_values(":offer", s(booking.as_str())),
        None => store.update(
            place_key(&place.waiting.service, &place.code),
            "SET #state = :to REMOVE offer",
        ),
    };
    tx_update(
        update
            .condition_expression("#state = :read")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":to", s(to.as_str()))
            .expression_attribute_values(":read", s(place.state.as_str())),
    )
}

/// Gives the contact's quota seat of a place back.
fn free_cap(store: &DynamoStore, place: &PlaceItem) -> StoreResult<Option<TransactWriteItem>> {
    place
        .cap_key
        .clone()
        .map(|cap| {
            tx_delete(
                store
                    .delete(cap)
                    .condition_expression("attribute_not_exists(pk) OR place = :code")
                    .expression_attribute_values(":code", s(place.place.code.to_hex())),
            )
        })
        .transpose()
}

struct Confirm<'a> {
    code: &'a TokenHash,
    cap: usize,
    now: DateTime<Utc>,
}

#[async_trait]
impl AsyncDecide<bool> for Confirm<'_> {
    async fn decide(&mut self, store: &DynamoStore) -> StoreResult<Decision<bool>> {
        let found = store.place_item(self.code, self.now).await?;
        if !confirm_changes(&found.place, self.now)? {
            return Ok(Decision::Done(false));
        }
        let item = store
            .get(place_key(&found.place.waiting.service, self.code))
            .await?
            .ok_or(StoreError::NotFound)?;
        let contact = super::items::text(&item, "contact_key")?.to_owned();
        let cap_pk = quota_pk(&prenota_core::ContactKey::from_stored(contact));
        let taken = store.query_partition(&cap_pk, true).await?;
        let free = (0..self.cap)
            .map(|k| format!("WAIT#{k}"))
            .find(|sk| {
                let item = taken
                    .iter()
                    .find(|item| optional_text(item, "sk") == Some(sk.as_str()));
                item_is_free(item, self.now).unwrap_or(false)
            })
            .ok_or(StoreError::TooManyPlaces(self.cap))?;
        let keep_until = number(&item, "keep_until")?;
        let cap_item = with(
            key(cap_pk.clone(), &free),
            [
                ("place", s(self.code.to_hex())),
                ("expires_at", n(keep_until)),
                ("ttl", n(keep_until / 1000 + TIDY_AFTER.num_seconds())),
            ],
        );
        Ok(Decision::Write(
            vec![
                tx_update(
                    store
                        .update(
                            place_key(&found.place.waiting.service, self.code),
                            "SET #state = :waiting, joined_at = :now, cap_pk = :cap_pk, cap_sk = :cap_sk",
                        )
                        .condition_expression("#state = :pending")
                        .expression_attribute_names("#state", "state")
                        .expression_attribute_values(":waiting", s(PlaceState::Waiting.as_str()))
                        .expression_attribute_values(":pending", s(PlaceState::Pending.as_str()))
                        .expression_attribute_values(":now", n(millis(self.now)))
                        .expression_attribute_values(":cap_pk", s(cap_pk))
                        .expression_attribute_values(":cap_sk", s(free)),
                )?,
                tx_put(
                    store
                        .put(cap_item)
                        .condition_expression(CLAIM_FREE)
                        .expression_attribute_values(":now", n(millis(self.now))),
                )?,
            ],
            true,
        ))
    }
}

struct Leave<'a> {
    code: &'a TokenHash,
    now: DateTime<Utc>,
}

#[async_trait]
impl AsyncDecide<bool> for Leave<'_> {
    async fn decide(&mut self, store: &DynamoStore) -> StoreResult<Decision<bool>> {
        let found = store.place_item(self.code, self.now).await?;
        if found.place.state == PlaceState::Left {
            return Ok(Decision::Done(false));
        }
        let mut items = vec![set_place(store, &found.place, PlaceState::Left, None)?];
        items.extend(free_cap(store, &found)?);
        Ok(Decision::Write(items, true))
    }
}

struct Offer<'a> {
    offer: &'a SeatOffer,
    now: DateTime<Utc>,
}

#[async_trait]
impl AsyncDecide<()> for Offer<'_> {
    async fn decide(&mut self, store: &DynamoStore) -> StoreResult<Decision<()>> {
        let (offer, now) = (self.offer, self.now);
        let from = store.record(&BookingId::of_hold(&offer.from), now).await?;
        let Transition::To(_) = transition(&from.booking, Event::Release, now)? else {
            return Err(StoreError::NotFound);
        };
        let service = &offer.hold.offering.service;
        let place = store.place_of(service, &offer.place, now).await?.place;
        if place.state != PlaceState::Waiting {
            return Err(StoreError::NotWaiting);
        }
        let booking = offer.hold.booking_id(0);
        let mut items = super::seats::hand_over_seat(store, &from, &offer.hold, now)?;
        items.push(set_place(store, &place, PlaceState::Offered, Some(&booking))?);
        if let Some(previous) = &offer.previous {
            let previous = store.place_of(service, previous, now).await;
            if let Ok(previous) = previous
                && previous.place.offer.as_ref() == Some(&from.booking.id)
            {
                items.push(set_place(store, &previous.place, PlaceState::Waiting, None)?);
            }
        }
        let freed = &offer.freed;
        items.push(put_new(
            store,
            with(
                offer_key(&booking),
                [
                    ("place", s(offer.place.to_hex())),
                    ("office", s(freed.offering.office.as_str())),
                    ("service", s(freed.offering.service.as_str())),
                    ("date", s(format_date(freed.date))),
                    ("freed_at", n(millis(freed.freed_at))),
                    ("freed_by", s(freed.by.as_str())),
                    ("offered", s(joined(offer.offered.iter().map(TokenHash::to_hex)))),
                    ("ttl", n(epoch_seconds(from.booking.ends_at + TIDY_AFTER))),
                ],
            ),
        )?);
        items.extend(queue(store, &offer.messages)?);
        Ok(Decision::Write(items, ()))
    }
}

struct KeepExpired<'a> {
    expired: &'a BookingId,
    kept: &'a HoldRequest,
    messages: &'a [OutboxMessage],
    now: DateTime<Utc>,
}

#[async_trait]
impl AsyncDecide<bool> for KeepExpired<'_> {
    async fn decide(&mut self, store: &DynamoStore) -> StoreResult<Decision<bool>> {
        let from = store.record(self.expired, self.now).await?;
        if from.booking.state != BookingState::Expired {
            return Ok(Decision::Done(false));
        }
        // Still the expired booking's seat item: nobody has claimed it since (nor kept it).
        let seat = store.get(key(from.seat_pk.clone(), &from.seat_sk)).await?;
        if seat.as_ref().and_then(|item| optional_text(item, "hold")) != Some(from.booking.id.as_str()) {
            return Ok(Decision::Done(false));
        }
        let mut items = super::seats::keep_expired_seat(store, &from, self.kept, self.now)?;
        items.extend(queue(store, self.messages)?);
        Ok(Decision::Write(items, true))
    }
}

struct EndOffer<'a> {
    booking: &'a BookingId,
    booked: bool,
    now: DateTime<Utc>,
}

#[async_trait]
impl AsyncDecide<()> for EndOffer<'_> {
    async fn decide(&mut self, store: &DynamoStore) -> StoreResult<Decision<()>> {
        let Some(offer) = store.offer_of(self.booking, self.now).await? else {
            return Ok(Decision::Done(()));
        };
        let found = match store
            .place_of(&offer.freed.offering.service, &offer.place, self.now)
            .await
        {
            Ok(found) => found,
            Err(StoreError::NotFound) => return Ok(Decision::Done(())),
            Err(error) => return Err(error),
        };
        if found.place.state != PlaceState::Offered || found.place.offer.as_ref() != Some(self.booking) {
            return Ok(Decision::Done(()));
        }
        let to = if self.booked {
            PlaceState::Left
        } else {
            PlaceState::Waiting
        };
        let mut items = vec![set_place(store, &found.place, to, None)?];
        if self.booked {
            items.extend(free_cap(store, &found)?);
        }
        Ok(Decision::Write(items, ()))
    }
}

#[async_trait]
impl WaitingList for DynamoStore {
    async fn join_waiting(
        &self,
        place: &NewPlace,
        messages: &[OutboxMessage],
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let waiting = &place.waiting;
        let ttl = n(epoch_seconds(place.keep_until + TIDY_AFTER));
        let item = with(
            place_key(&waiting.service, &place.code),
            [
                ("code", s(place.code.to_hex())),
                ("service", s(waiting.service.as_str())),
                (
                    "offices",
                    s(joined(waiting.offices.iter().map(|office| office.as_str()))),
                ),
                ("from_date", s(format_date(waiting.from))),
                ("to_date", s(format_date(waiting.to))),
                ("joined_at", n(millis(now))),
                ("contact", s(place.contact.address())),
                ("contact_key", s(place.contact_key.as_str())),
                ("lang", s(place.lang.as_str())),
                ("state", s(PlaceState::Pending.as_str())),
                ("confirm_by", n(millis(place.confirm_by))),
                ("keep_until", n(millis(place.keep_until))),
                ("ttl", ttl.clone()),
            ],
        );
        let code = with(
            code_key(&place.code),
            [("service", s(waiting.service.as_str())), ("ttl", ttl)],
        );
        let mut items = vec![put_new(self, item)?, put_new(self, code)?];
        items.extend(queue(self, messages)?);
        let request = self.client.transact_write_items().set_transact_items(Some(items));
        self.send(request).await.map_err(super::sdk_unavailable)?;
        Ok(())
    }

    async fn waiting_place(&self, code: &TokenHash, now: DateTime<Utc>) -> StoreResult<WaitingPlace> {
        Ok(self.place_item(code, now).await?.place)
    }

    async fn confirm_waiting(
        &self,
        code: &TokenHash,
        cap: usize,
        now: DateTime<Utc>,
    ) -> StoreResult<PlaceOutcome> {
        let changed = self.decide_and_write(Confirm { code, cap, now }).await?;
        Ok(PlaceOutcome {
            place: self.waiting_place(code, now).await?,
            changed,
        })
    }

    async fn leave_waiting(&self, code: &TokenHash, now: DateTime<Utc>) -> StoreResult<PlaceOutcome> {
        let changed = self.decide_and_write(Leave { code, now }).await?;
        Ok(PlaceOutcome {
            place: self.waiting_place(code, now).await?,
            changed,
        })
    }

    async fn places_waiting(
        &self,
        service: &ServiceId,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<WaitingPlace>> {
        let items = self
            .query_partition(&format!("WAITLIST#{service}"), false)
            .await?;
        let mut places = Vec::new();
        for item in &items {
            if let Some(found) = place_from(item, now)?
                && found.place.state == PlaceState::Waiting
            {
                places.push(found.place);
            }
        }
        Ok(places)
    }

    async fn offer_seat(&self, offer: &SeatOffer, now: DateTime<Utc>) -> StoreResult<()> {
        self.decide_and_write(Offer { offer, now }).await
    }

    async fn keep_expired_seat(
        &self,
        expired: &BookingId,
        kept: &HoldRequest,
        messages: &[OutboxMessage],
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        self.decide_and_write(KeepExpired {
            expired,
            kept,
            messages,
            now,
        })
        .await
    }

    async fn offer_of(&self, booking: &BookingId, _now: DateTime<Utc>) -> StoreResult<Option<StoredOffer>> {
        self.get(offer_key(booking))
            .await?
            .map(|item| stored_offer(&item, booking.clone()))
            .transpose()
    }

    async fn end_offer(&self, booking: &BookingId, booked: bool, now: DateTime<Utc>) -> StoreResult<()> {
        self.decide_and_write(EndOffer { booking, booked, now }).await
    }
}
