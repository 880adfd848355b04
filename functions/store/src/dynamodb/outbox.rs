//! The outbox: one item per message, in the GSI's `OUTBOX#PENDING` partition until delivered.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::items::{outbox_entry, outbox_item};
use super::keys::{GSI, PENDING_MESSAGES, n, outbox_key, s};
use super::{DynamoStore, done_unless_unavailable, sdk_unavailable};
use crate::{Delivery, MessageId, OutboxEntry, OutboxMessage, OutboxStore, StoreError, StoreResult, millis};

#[async_trait]
impl OutboxStore for DynamoStore {
    async fn enqueue(&self, message: &OutboxMessage) -> StoreResult<()> {
        let put = self
            .put_item(outbox_item(message))
            .condition_expression("attribute_not_exists(pk)");
        // Already queued under this id: a retry, kept as it is.
        done_unless_unavailable(self.send(put).await)
    }

    async fn pending_messages(&self, limit: usize) -> StoreResult<Vec<OutboxEntry>> {
        let query = self
            .query()
            .index_name(GSI)
            .key_condition_expression("gsi1pk = :pending")
            .expression_attribute_values(":pending", s(PENDING_MESSAGES))
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
            .client
            .update_item()
            .table_name(self.table.as_ref())
            .set_key(Some(outbox_key(id)))
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
}
