//! The audit log on DynamoDB: a partition per office and day (`AUDIT#office#date`), an item per
//! action sorted by time; TTL deletes it after the keeping time, and reads skip what is past it.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use prenota_core::audit::{AuditAction, AuditEntry};
use prenota_core::calendar::local;
use prenota_core::token::Token;
use prenota_core::{OfficeId, ShortCode};

use super::items::{number, optional_text, text};
use super::keys::{audit_pk, epoch_seconds, key, n, s};
use super::{DynamoStore, sdk_unavailable};
use crate::stored::corrupt;
use crate::{AuditLog, StoreResult, from_millis, millis, unavailable};

#[async_trait]
impl AuditLog for DynamoStore {
    async fn record_audit(&self, entry: &AuditEntry, keep_until: DateTime<Utc>) -> StoreResult<()> {
        let day = local(entry.at).date();
        // Time first so the partition reads in order; a random tail keeps two entries of the same
        // millisecond apart.
        let tail = Token::generate().map_err(unavailable)?.hash().to_hex();
        let sk = format!("{:015}#{}", millis(entry.at), &tail[..16]);
        let mut item = key(audit_pk(entry.office.as_ref(), day), &sk);
        item.insert("at".into(), n(millis(entry.at)));
        item.insert("actor".into(), s(entry.actor.clone()));
        item.insert("action".into(), s(entry.action.as_str()));
        if let Some(code) = &entry.short_code {
            item.insert("short_code".into(), s(code.as_str()));
        }
        item.insert("keep_until".into(), n(millis(keep_until)));
        item.insert("ttl".into(), n(epoch_seconds(keep_until)));
        self.send(self.put_item(item)).await.map_err(sdk_unavailable)?;
        Ok(())
    }

    async fn audit_of_day(
        &self,
        office: &OfficeId,
        date: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<AuditEntry>> {
        let items = self.query_partition(&audit_pk(Some(office), date), true).await?;
        let mut entries = Vec::with_capacity(items.len());
        for item in items {
            if number(&item, "keep_until")? <= millis(now) {
                continue;
            }
            let action = text(&item, "action")?;
            entries.push(AuditEntry {
                at: from_millis(number(&item, "at")?)?,
                actor: text(&item, "actor")?.to_owned(),
                action: AuditAction::parse(action).ok_or_else(|| corrupt("audit action", action))?,
                office: Some(office.clone()),
                short_code: optional_text(&item, "short_code")
                    .map(|c| ShortCode::parse(c).map_err(|_| corrupt("short code", c)))
                    .transpose()?,
            });
        }
        Ok(entries)
    }
}
