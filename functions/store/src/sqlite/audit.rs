//! The audit log on one machine: a row per staff action, deleted once past its keeping time.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use prenota_core::audit::{AuditAction, AuditEntry};
use prenota_core::calendar::local;
use prenota_core::dates::format_date;
use prenota_core::{OfficeId, ShortCode};
use rusqlite::params;

use super::SqliteStore;
use super::connection::{query_all, run};
use crate::stored::corrupt;
use crate::{AuditLog, StoreResult, from_millis, millis};

pub(super) const AUDIT_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,                 -- ms since the epoch
    day TEXT NOT NULL,                   -- YYYY-MM-DD, Europe/Rome
    actor TEXT NOT NULL,                 -- the staff e-mail
    action TEXT NOT NULL,
    office TEXT NOT NULL,                -- '' for actions of no office
    short_code TEXT,
    keep_until INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_day ON audit (office, day, at);
CREATE INDEX IF NOT EXISTS audit_expiry ON audit (keep_until);
";

#[async_trait]
impl AuditLog for SqliteStore {
    async fn record_audit(&self, entry: &AuditEntry, keep_until: DateTime<Utc>) -> StoreResult<()> {
        let entry = entry.clone();
        self.write(move |tx| {
            run(
                tx,
                "DELETE FROM audit WHERE keep_until <= ?1",
                params![millis(entry.at)],
            )?;
            run(
                tx,
                "INSERT INTO audit (at, day, actor, action, office, short_code, keep_until)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    millis(entry.at),
                    format_date(local(entry.at).date()),
                    entry.actor,
                    entry.action.as_str(),
                    entry.office.as_ref().map_or("", OfficeId::as_str),
                    entry.short_code.as_ref().map(ShortCode::as_str),
                    millis(keep_until)
                ],
            )?;
            Ok(())
        })
        .await
    }

    async fn audit_of_day(
        &self,
        office: &OfficeId,
        date: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<AuditEntry>> {
        let (office, day) = (office.clone(), format_date(date));
        self.read(move |connection| {
            query_all(
                connection,
                "SELECT at, actor, action, short_code FROM audit
                 WHERE office = ?1 AND day = ?2 AND keep_until > ?3 ORDER BY at, id",
                params![office.as_str(), day, millis(now)],
                |row| {
                    let action: String = row.get(2)?;
                    let code: Option<String> = row.get(3)?;
                    Ok(AuditEntry {
                        at: from_millis(row.get(0)?)?,
                        actor: row.get(1)?,
                        action: AuditAction::parse(&action)
                            .ok_or_else(|| corrupt("audit action", &action))?,
                        office: Some(office.clone()),
                        short_code: code
                            .map(|c| ShortCode::parse(&c).map_err(|_| corrupt("short code", &c)))
                            .transpose()?,
                    })
                },
            )
        })
        .await
    }
}
