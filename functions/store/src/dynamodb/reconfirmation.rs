//! "Confermi che verrai?" on DynamoDB: the booking item's `reconfirmation`, written with the
//! messages in one transaction, on condition that the booking is still confirmed and its answer is
//! still the one read.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use prenota_core::BookingId;
use prenota_core::lifecycle::StoredState;
use prenota_core::reminder::Reconfirmation;

use super::DynamoStore;
use super::keys::{booking_key, s};
use super::transact::{AsyncDecide, Decision, queue, tx_update};
use crate::{OutboxMessage, Outcome, StoreResult, reconfirmation_changes};

pub(super) struct SetReconfirmation<'a> {
    pub booking: &'a BookingId,
    pub to: Reconfirmation,
    pub messages: &'a [OutboxMessage],
    pub now: DateTime<Utc>,
}

#[async_trait]
impl AsyncDecide<Outcome> for SetReconfirmation<'_> {
    async fn decide(&mut self, store: &DynamoStore) -> StoreResult<Decision<Outcome>> {
        let record = store.record(self.booking, self.now).await?;
        let mut booking = record.booking;
        if !reconfirmation_changes(&booking, self.to)? {
            return Ok(Decision::Done(Outcome {
                booking,
                changed: false,
            }));
        }
        let mut update = store
            .update(booking_key(self.booking), "SET reconfirmation = :to")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":to", s(self.to.as_str()))
            .expression_attribute_values(":confirmed", s(StoredState::Confirmed.as_str()));
        // Still confirmed, and still answered as read (a racing request decides again).
        update = match booking.reconfirmation {
            None => {
                update.condition_expression("#state = :confirmed AND attribute_not_exists(reconfirmation)")
            }
            Some(read) => update
                .condition_expression("#state = :confirmed AND reconfirmation = :read")
                .expression_attribute_values(":read", s(read.as_str())),
        };
        let mut items = vec![tx_update(update)?];
        items.extend(queue(store, self.messages)?);
        booking.reconfirmation = Some(self.to);
        Ok(Decision::Write(
            items,
            Outcome {
                booking,
                changed: true,
            },
        ))
    }
}
