//! The outbox: one item per message, in the GSI's `OUTBOX#PENDING` partition until delivered,
//! sorted there by when it is next due (`gsi1sk = due#id`); and one item per hour counting the
//! SMS sent (`SMS#YYYY-MM-DDTHH`).

use async_trait::async_trait;
use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::ReturnValue;
use chrono::{DateTime, Duration, Utc};

use super::items::{optional_number, outbox_entry, outbox_item};
use super::keys::{
    GSI, Item, PENDING_MESSAGES, epoch_seconds, n, outbox_key, pending_sk, pending_sk_after, s, sms_hour_key,
};
use super::{DynamoStore, done_unless_unavailable, sdk_unavailable};
use crate::{
    Delivery, MessageId, OutboxEntry, OutboxMessage, OutboxStore, RetryLater, SmsCount, StoreError,
    StoreResult, millis,
};

#[async_trait]
impl OutboxStore for DynamoStore {
    async fn enqueue(&self, message: &OutboxMessage) -> StoreResult<()> {
        let put = self
            .put_item(outbox_item(message))
            .condition_expression("attribute_not_exists(pk)");
        // Already queued under this id: a retry, kept as it is.
        done_unless_unavailable(self.send(put).await)
    }

    async fn pending_messages(&self, limit: usize, now: DateTime<Utc>) -> StoreResult<Vec<OutboxEntry>> {
        // One Query, soonest due first: the sort key starts with when each message is due.
        let query = self
            .query()
            .index_name(GSI)
            .key_condition_expression("gsi1pk = :pending AND gsi1sk < :after")
            .expression_attribute_values(":pending", s(PENDING_MESSAGES))
            .expression_attribute_values(":after", s(pending_sk_after(now)))
            .limit(i32::try_from(limit).unwrap_or(i32::MAX));
        let output = self.send(query).await.map_err(sdk_unavailable)?;
        output.items().iter().map(outbox_entry).collect()
    }

    async fn message(&self, id: &MessageId) -> StoreResult<OutboxEntry> {
        let item = self.get(outbox_key(id)).await?.ok_or(StoreError::NotFound)?;
        outbox_entry(&item)
    }

    async fn mark_delivery(
        &self,
        id: &MessageId,
        delivery: Delivery,
        detail: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let update = self
            .update_item(outbox_key(id))
            .update_expression(
                // Delivered, the text and recipient have served their purpose: what stays until
                // TTL (kind, channel, delivery) is anonymous.
                "SET delivery = :delivery, detail = :detail, delivered_at = :now \
                 REMOVE gsi1pk, gsi1sk, payload, recipient",
            )
            .condition_expression("delivery = :pending")
            .expression_attribute_values(":delivery", s(delivery.as_str()))
            .expression_attribute_values(":detail", s(detail))
            .expression_attribute_values(":now", n(millis(now)))
            .expression_attribute_values(":pending", s(Delivery::Pending.as_str()));
        // No longer pending: marked by an earlier try.
        done_unless_unavailable(self.send(update).await)
    }

    async fn retry_later(&self, id: &MessageId, retry: &RetryLater) -> StoreResult<()> {
        let update = self
            .update_item(outbox_key(id))
            // The sort key moves with the next attempt: the message leaves the due ones until then.
            .update_expression(
                "SET attempts = :attempts, next_attempt_at = :next, detail = :detail, gsi1sk = :sk",
            )
            .condition_expression("delivery = :pending")
            .expression_attribute_values(":attempts", n(i64::from(retry.attempts)))
            .expression_attribute_values(":next", n(millis(retry.next_attempt_at)))
            .expression_attribute_values(":detail", s(&retry.reason))
            .expression_attribute_values(":sk", s(pending_sk(retry.next_attempt_at, id)))
            .expression_attribute_values(":pending", s(Delivery::Pending.as_str()));
        // No longer pending: delivered meanwhile.
        done_unless_unavailable(self.send(update).await)
    }

    async fn count_sms(&self, hour: DateTime<Utc>, cap: u32) -> StoreResult<SmsCount> {
        if cap > 0 {
            let update = self
                .update_item(sms_hour_key(hour))
                .update_expression("SET #ttl = :ttl ADD sent :one")
                // One conditional update: exact however many senders count at once.
                .condition_expression("attribute_not_exists(sent) OR sent < :cap")
                .expression_attribute_names("#ttl", "ttl")
                .expression_attribute_values(":ttl", n(epoch_seconds(hour + SMS_HOURS_KEPT)))
                .expression_attribute_values(":one", n(1))
                .expression_attribute_values(":cap", n(i64::from(cap)))
                .return_values(ReturnValue::UpdatedNew);
            match self.send(update).await {
                Ok(output) => {
                    let sent = output
                        .attributes
                        .map_or(Ok(None), |item| optional_number(&item, "sent"))?;
                    return Ok(SmsCount::Counted(count(sent.unwrap_or(1))));
                }
                Err(error) if error.code() == Some("ConditionalCheckFailedException") => {
                    self.usage.record_refused();
                }
                Err(error) => return Err(sdk_unavailable(error)),
            }
        }
        // At the cap: how many the hour counts, for the alarm's log line.
        let sent = match self.get(sms_hour_key(hour)).await? {
            Some(item) => optional_number(&item, "sent")?.unwrap_or(0),
            None => 0,
        };
        Ok(SmsCount::CapReached(count(sent)))
    }

    async fn uncount_sms(&self, hour: DateTime<Utc>) -> StoreResult<()> {
        let update = self
            .update_item(sms_hour_key(hour))
            .update_expression("ADD sent :minus_one")
            .condition_expression("sent > :zero")
            .expression_attribute_values(":minus_one", n(-1))
            .expression_attribute_values(":zero", n(0));
        // Nothing counted (a cap of 0, a lost item): nothing to take back.
        done_unless_unavailable(self.send(update).await)
    }
}

impl DynamoStore {
    /// A request to update the item `key`, alone.
    fn update_item(&self, key: Item) -> UpdateItemFluentBuilder {
        self.client
            .update_item()
            .table_name(self.table.as_ref())
            .set_key(Some(key))
    }
}

/// How long an hour's SMS count stays after the hour started (TTL deletes it).
const SMS_HOURS_KEPT: Duration = Duration::days(2);

fn count(sent: i64) -> u32 {
    u32::try_from(sent).unwrap_or(0)
}
