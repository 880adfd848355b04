//! Messages to a contact that no booking of theirs causes, counted per contact and hour: one item
//! per contact and hour (`CONTACTMSG#contact-key` / `HOUR#n`), counted up by a conditional update,
//! gone by TTL a day later. And the proofs of work already spent.

use async_trait::async_trait;
use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use chrono::{DateTime, Utc};
use prenota_core::{ContactKey, TokenHash};

use super::keys::{epoch_seconds, key, n};
use super::{DynamoStore, sdk_unavailable};
use crate::{ContactMessages, OneTimeProofs, StoreResult, contact_message_hour, millis};

#[async_trait]
impl ContactMessages for DynamoStore {
    async fn count_contact_message(
        &self,
        contact: &ContactKey,
        per_hour: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        if per_hour == 0 {
            return Ok(false);
        }
        let hour = contact_message_hour(now);
        let update = self
            .client
            .update_item()
            .table_name(self.table.as_ref())
            .set_key(Some(key(
                format!("CONTACTMSG#{}", contact.as_str()),
                &format!("HOUR#{hour}"),
            )))
            .update_expression("ADD sent :one SET #ttl = :ttl")
            .condition_expression("attribute_not_exists(sent) OR sent < :limit")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":limit", n(i64::from(per_hour)))
            // The hour's end plus a day: kept no longer than needed to count.
            .expression_attribute_values(":ttl", n((hour + 25) * 3600));
        match self.send(update).await {
            Ok(_) => Ok(true),
            Err(error) if error.code() == Some("ConditionalCheckFailedException") => {
                self.usage.record_refused();
                Ok(false)
            }
            Err(error) => Err(sdk_unavailable(error)),
        }
    }
}

#[async_trait]
impl OneTimeProofs for DynamoStore {
    /// `PROOF#hash` / `PROOF`, put if absent or if its time is over; gone by TTL after that.
    async fn spend_proof(
        &self,
        proof: &TokenHash,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut item = key(format!("PROOF#{}", proof.to_hex()), "PROOF");
        item.insert("until".into(), n(millis(until)));
        item.insert("ttl".into(), n(epoch_seconds(until) + 3600));
        let put = self
            .put_item(item)
            .condition_expression("attribute_not_exists(pk) OR #until <= :now")
            .expression_attribute_names("#until", "until")
            .expression_attribute_values(":now", n(millis(now)));
        match self.send(put).await {
            Ok(_) => Ok(true),
            Err(error) if error.code() == Some("ConditionalCheckFailedException") => {
                self.usage.record_refused();
                Ok(false)
            }
            Err(error) => Err(sdk_unavailable(error)),
        }
    }
}
