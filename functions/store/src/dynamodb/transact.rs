//! Transactions: the read-decide-write loop every change after a hold goes through, the items
//! that more than one change writes, and the change that release, confirm and cancel share.

use async_trait::async_trait;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::TransactWriteItem;
use aws_sdk_dynamodb::types::builders::{DeleteBuilder, PutBuilder, UpdateBuilder};
use chrono::{DateTime, Utc};
use prenota_core::BookingId;
use prenota_core::lifecycle::{Event, StoredState, Transition};

use super::items::{Record, outbox_item};
use super::keys::{Item, key, s};
use super::{DynamoStore, sdk_unavailable};
use crate::{OutboxMessage, StoreError, StoreResult, transition, unavailable};

/// How often a transaction is read, decided and tried again when a racing request got there first.
const MAX_ATTEMPTS: usize = 12;

/// One read-decide-write round's decision.
pub(super) enum Decision<T> {
    Done(T),
    Write(Vec<TransactWriteItem>, T),
}

/// An async closure that reads and decides (stable Rust has no async closures returning borrows).
#[async_trait]
pub(super) trait AsyncDecide<T>: Send {
    async fn decide(&mut self, store: &DynamoStore) -> StoreResult<Decision<T>>;
}

pub(super) fn is_cancelled<R>(error: &SdkError<TransactWriteItemsError, R>) -> bool {
    error
        .as_service_error()
        .is_some_and(|e| e.is_transaction_canceled_exception())
}

impl DynamoStore {
    /// Reads, decides and writes until the write goes through or the decision needs no write.
    /// A cancelled transaction means another request changed something it read: decide again.
    pub(super) async fn decide_and_write<T, F>(&self, mut decide: F) -> StoreResult<T>
    where
        F: AsyncDecide<T>,
    {
        for _ in 0..MAX_ATTEMPTS {
            match decide.decide(self).await? {
                Decision::Done(value) => return Ok(value),
                Decision::Write(items, value) => {
                    let request = self.client.transact_write_items().set_transact_items(Some(items));
                    match self.send(request).await {
                        Ok(_) => return Ok(value),
                        Err(error) if is_cancelled(&error) => self.usage.record_refused(),
                        Err(error) => return Err(sdk_unavailable(error)),
                    }
                }
            }
        }
        Err(StoreError::Unavailable(
            "too many concurrent changes to one booking".into(),
        ))
    }
}

/// A change of one booking by `event`: read it, ask the domain, and if there is something to do,
/// write what `writes` says (the booking's new state and its other items) with `messages`, in one
/// transaction. Decides `true` when it wrote, `false` when a previous request already did it.
/// Release, confirm and cancel are this, with writes of their own.
pub(super) struct Change<'a, W> {
    pub id: &'a BookingId,
    pub event: Event,
    pub messages: &'a [OutboxMessage],
    pub now: DateTime<Utc>,
    pub writes: W,
}

#[async_trait]
impl<W> AsyncDecide<bool> for Change<'_, W>
where
    W: FnMut(&DynamoStore, &Record, StoredState) -> StoreResult<Vec<TransactWriteItem>> + Send,
{
    async fn decide(&mut self, store: &DynamoStore) -> StoreResult<Decision<bool>> {
        let record = store.record(self.id, self.now).await?;
        let Transition::To(state) = transition(&record.booking, self.event, self.now)? else {
            return Ok(Decision::Done(false));
        };
        let mut items = (self.writes)(store, &record, state)?;
        items.extend(queue(store, self.messages)?);
        Ok(Decision::Write(items, true))
    }
}

pub(super) fn tx_put(put: PutBuilder) -> StoreResult<TransactWriteItem> {
    Ok(TransactWriteItem::builder()
        .put(put.build().map_err(unavailable)?)
        .build())
}

pub(super) fn tx_update(update: UpdateBuilder) -> StoreResult<TransactWriteItem> {
    Ok(TransactWriteItem::builder()
        .update(update.build().map_err(unavailable)?)
        .build())
}

pub(super) fn tx_delete(delete: DeleteBuilder) -> StoreResult<TransactWriteItem> {
    Ok(TransactWriteItem::builder()
        .delete(delete.build().map_err(unavailable)?)
        .build())
}

/// Puts an item that must not exist yet (a link code, a short code, a message).
pub(super) fn put_new(store: &DynamoStore, item: Item) -> StoreResult<TransactWriteItem> {
    tx_put(store.put(item).condition_expression("attribute_not_exists(pk)"))
}

/// The messages' items, each put only if no message has its id yet.
pub(super) fn queue(store: &DynamoStore, messages: &[OutboxMessage]) -> StoreResult<Vec<TransactWriteItem>> {
    messages
        .iter()
        .map(|message| put_new(store, outbox_item(message)))
        .collect()
}

/// Deletes the booking's seat item if it is still the booking's.
pub(super) fn release_seat(store: &DynamoStore, record: &Record) -> StoreResult<TransactWriteItem> {
    tx_delete(
        store
            .delete(key(record.seat_pk.clone(), &record.seat_sk))
            .condition_expression("attribute_not_exists(pk) OR #hold = :id")
            .expression_attribute_names("#hold", "hold")
            .expression_attribute_values(":id", s(record.booking.id.as_str())),
    )
}

/// Deletes the booking's quota items if they are still the booking's.
pub(super) fn release_quota(store: &DynamoStore, record: &Record) -> StoreResult<Vec<TransactWriteItem>> {
    record
        .quota_items
        .iter()
        .map(|quota_key| {
            tx_delete(
                store
                    .delete(quota_key.clone())
                    .condition_expression("attribute_not_exists(pk) OR booking = :id")
                    .expression_attribute_values(":id", s(record.booking.id.as_str())),
            )
        })
        .collect()
}
