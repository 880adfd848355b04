//! Messages to a contact that no booking of theirs causes, counted per contact and hour; and the
//! proofs of work already spent. Both are small counters that keep abuse in check.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use prenota_core::{ContactKey, TokenHash};
use rusqlite::params;

use super::SqliteStore;
use crate::{ContactMessages, OneTimeProofs, StoreResult, contact_message_hour, millis};

/// Created at open with the rest of the schema. A row lives for its hour: each count deletes the
/// rows of hours gone by (contact keys are personal data, if hashed).
pub(super) const CONTACT_MESSAGES_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS contact_messages (
    contact_key TEXT NOT NULL,           -- HMAC of the contact
    hour INTEGER NOT NULL,               -- whole hours since the epoch
    sent INTEGER NOT NULL,
    PRIMARY KEY (contact_key, hour)
);
";

#[async_trait]
impl ContactMessages for SqliteStore {
    async fn count_contact_message(
        &self,
        contact: &ContactKey,
        per_hour: u32,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let (key, hour) = (contact.as_str().to_owned(), contact_message_hour(now));
        self.write(move |tx| {
            tx.execute("DELETE FROM contact_messages WHERE hour < ?1", params![hour])?;
            // Counted only while under the limit: a refused message changes nothing.
            let counted = tx.execute(
                "INSERT INTO contact_messages (contact_key, hour, sent) VALUES (?1, ?2, 1)
                 ON CONFLICT (contact_key, hour) DO UPDATE SET sent = sent + 1 WHERE sent < ?3",
                params![key, hour, per_hour],
            )?;
            Ok(per_hour > 0 && counted == 1)
        })
        .await
    }
}

/// Spent proofs of work, each until its challenge expires.
pub(super) const SPENT_PROOFS_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS spent_proofs (
    proof TEXT PRIMARY KEY,              -- hex SHA-256 of the solved challenge
    until INTEGER NOT NULL               -- ms since the epoch
);
";

#[async_trait]
impl OneTimeProofs for SqliteStore {
    async fn spend_proof(
        &self,
        proof: &TokenHash,
        until: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let proof = proof.to_hex();
        self.write(move |tx| {
            tx.execute("DELETE FROM spent_proofs WHERE until <= ?1", params![millis(now)])?;
            let spent = tx.execute(
                "INSERT INTO spent_proofs (proof, until) VALUES (?1, ?2) ON CONFLICT (proof) DO NOTHING",
                params![proof, millis(until)],
            )?;
            Ok(spent == 1)
        })
        .await
    }
}
