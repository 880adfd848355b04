//! Staff accounts, sessions, password links and sign-in failures on one machine.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use prenota_core::staff::{Role, SessionTimes, SignInFailures, StaffEmail};
use prenota_core::{OfficeId, TokenHash};
use rusqlite::{Connection, OptionalExtension, params};

use super::SqliteStore;
use super::connection::{query_all, run};
use crate::stored::corrupt;
use crate::{StaffAccount, StaffAccounts, StoreResult, from_millis, millis};

pub(super) const STAFF_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS staff (
    email TEXT PRIMARY KEY,              -- lower-cased
    role TEXT NOT NULL CHECK (role IN ('operator', 'manager', 'admin')),
    offices TEXT NOT NULL,               -- office ids, comma-separated
    password_hash TEXT,                  -- Argon2id PHC string; NULL until chosen
    disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS staff_sessions (
    session TEXT PRIMARY KEY,            -- hex SHA-256 of the cookie's value
    email TEXT NOT NULL REFERENCES staff (email),
    created_at INTEGER NOT NULL,
    last_seen INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS staff_sessions_by_email ON staff_sessions (email);
CREATE TABLE IF NOT EXISTS password_codes (
    code TEXT PRIMARY KEY,               -- hex SHA-256 of the link's code
    email TEXT NOT NULL,
    until INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sign_in_failures (
    who TEXT PRIMARY KEY,                -- hex SHA-256 of the e-mail typed
    count INTEGER NOT NULL,
    last INTEGER NOT NULL
);
";

fn account_from_row(row: &rusqlite::Row<'_>) -> StoreResult<StaffAccount> {
    let (email, role, offices): (String, String, String) = (row.get(0)?, row.get(1)?, row.get(2)?);
    Ok(StaffAccount {
        email: StaffEmail::parse(&email).map_err(|_| corrupt("staff e-mail", &email))?,
        role: Role::parse(&role).ok_or_else(|| corrupt("role", &role))?,
        offices: offices
            .split(',')
            .filter(|id| !id.is_empty())
            .map(|id| OfficeId::parse(id).map_err(|_| corrupt("office", id)))
            .collect::<StoreResult<_>>()?,
        password_hash: row.get(3)?,
        disabled: row.get::<_, i64>(4)? != 0,
    })
}

const ACCOUNT_COLUMNS: &str = "email, role, offices, password_hash, disabled";

fn account(connection: &Connection, email: &str) -> StoreResult<Option<StaffAccount>> {
    query_all(
        connection,
        &format!("SELECT {ACCOUNT_COLUMNS} FROM staff WHERE email = ?1"),
        params![email],
        account_from_row,
    )
    .map(|mut found| found.pop())
}

fn failures(connection: &Connection, who: &str) -> StoreResult<SignInFailures> {
    let row: Option<(u32, i64)> = connection
        .prepare_cached("SELECT count, last FROM sign_in_failures WHERE who = ?1")?
        .query_row(params![who], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    Ok(match row {
        None => SignInFailures::default(),
        Some((count, last)) => SignInFailures {
            count,
            last: Some(from_millis(last)?),
        },
    })
}

#[async_trait]
impl StaffAccounts for SqliteStore {
    async fn put_staff(&self, account: &StaffAccount) -> StoreResult<()> {
        let account = account.clone();
        self.write(move |tx| {
            let offices: Vec<&str> = account.offices.iter().map(OfficeId::as_str).collect();
            run(
                tx,
                "INSERT INTO staff (email, role, offices, password_hash, disabled) VALUES (?1, ?2, ?3, ?4, 0)
                 ON CONFLICT (email) DO UPDATE SET role = excluded.role, offices = excluded.offices,
                     password_hash = COALESCE(excluded.password_hash, password_hash), disabled = 0",
                params![
                    account.email.as_str(),
                    account.role.as_str(),
                    offices.join(","),
                    account.password_hash
                ],
            )?;
            Ok(())
        })
        .await
    }

    async fn staff(&self, email: &StaffEmail) -> StoreResult<Option<StaffAccount>> {
        let email = email.as_str().to_owned();
        self.read(move |connection| account(connection, &email)).await
    }

    async fn all_staff(&self) -> StoreResult<Vec<StaffAccount>> {
        self.read(|connection| {
            query_all(
                connection,
                &format!("SELECT {ACCOUNT_COLUMNS} FROM staff ORDER BY email"),
                [],
                account_from_row,
            )
        })
        .await
    }

    async fn disable_staff(&self, email: &StaffEmail) -> StoreResult<bool> {
        let email = email.as_str().to_owned();
        self.write(move |tx| {
            run(tx, "DELETE FROM staff_sessions WHERE email = ?1", params![email])?;
            Ok(run(
                tx,
                "UPDATE staff SET disabled = 1 WHERE email = ?1",
                params![email],
            )? == 1)
        })
        .await
    }

    async fn set_password(&self, email: &StaffEmail, hash: &str) -> StoreResult<()> {
        let (email, hash) = (email.as_str().to_owned(), hash.to_owned());
        self.write(move |tx| {
            run(
                tx,
                "UPDATE staff SET password_hash = ?2 WHERE email = ?1",
                params![email, hash],
            )?;
            // A new password ends every session signed in with the old one.
            run(tx, "DELETE FROM staff_sessions WHERE email = ?1", params![email])?;
            Ok(())
        })
        .await
    }

    async fn put_password_code(
        &self,
        code: &TokenHash,
        email: &StaffEmail,
        until: DateTime<Utc>,
    ) -> StoreResult<()> {
        let (code, email) = (code.to_hex(), email.as_str().to_owned());
        self.write(move |tx| {
            run(
                tx,
                "INSERT INTO password_codes (code, email, until) VALUES (?1, ?2, ?3)",
                params![code, email, millis(until)],
            )?;
            Ok(())
        })
        .await
    }

    async fn take_password_code(
        &self,
        code: &TokenHash,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<StaffEmail>> {
        let code = code.to_hex();
        self.write(move |tx| {
            run(
                tx,
                "DELETE FROM password_codes WHERE until <= ?1",
                params![millis(now)],
            )?;
            let email: Option<String> = tx
                .prepare_cached("DELETE FROM password_codes WHERE code = ?1 RETURNING email")?
                .query_row(params![code], |row| row.get(0))
                .optional()?;
            email
                .map(|e| StaffEmail::parse(&e).map_err(|_| corrupt("staff e-mail", &e)))
                .transpose()
        })
        .await
    }

    async fn sign_in_failures(&self, who: &TokenHash) -> StoreResult<SignInFailures> {
        let who = who.to_hex();
        self.read(move |connection| failures(connection, &who)).await
    }

    async fn record_sign_in_failure(
        &self,
        who: &TokenHash,
        now: DateTime<Utc>,
    ) -> StoreResult<SignInFailures> {
        let who = who.to_hex();
        self.write(move |tx| {
            run(
                tx,
                "INSERT INTO sign_in_failures (who, count, last) VALUES (?1, 1, ?2)
                 ON CONFLICT (who) DO UPDATE SET count = count + 1, last = excluded.last",
                params![who, millis(now)],
            )?;
            failures(tx, &who)
        })
        .await
    }

    async fn clear_sign_in_failures(&self, who: &TokenHash) -> StoreResult<()> {
        let who = who.to_hex();
        self.write(move |tx| {
            run(tx, "DELETE FROM sign_in_failures WHERE who = ?1", params![who])?;
            Ok(())
        })
        .await
    }

    async fn create_session(
        &self,
        session: &TokenHash,
        email: &StaffEmail,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let (session, email) = (session.to_hex(), email.as_str().to_owned());
        self.write(move |tx| {
            run(
                tx,
                "INSERT INTO staff_sessions (session, email, created_at, last_seen) VALUES (?1, ?2, ?3, ?3)",
                params![session, email, millis(now)],
            )?;
            Ok(())
        })
        .await
    }

    async fn session(&self, session: &TokenHash) -> StoreResult<Option<(StaffEmail, SessionTimes)>> {
        let session = session.to_hex();
        self.read(move |connection| {
            let row: Option<(String, i64, i64)> = connection
                .prepare_cached("SELECT email, created_at, last_seen FROM staff_sessions WHERE session = ?1")?
                .query_row(params![session], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?))
                })
                .optional()?;
            row.map(|(email, created_at, last_seen)| {
                Ok((
                    StaffEmail::parse(&email).map_err(|_| corrupt("staff e-mail", &email))?,
                    SessionTimes {
                        created_at: from_millis(created_at)?,
                        last_seen: from_millis(last_seen)?,
                    },
                ))
            })
            .transpose()
        })
        .await
    }

    async fn touch_session(&self, session: &TokenHash, now: DateTime<Utc>) -> StoreResult<()> {
        let session = session.to_hex();
        self.write(move |tx| {
            run(
                tx,
                "UPDATE staff_sessions SET last_seen = ?2 WHERE session = ?1",
                params![session, millis(now)],
            )?;
            Ok(())
        })
        .await
    }

    async fn end_session(&self, session: &TokenHash) -> StoreResult<()> {
        let session = session.to_hex();
        self.write(move |tx| {
            run(
                tx,
                "DELETE FROM staff_sessions WHERE session = ?1",
                params![session],
            )?;
            Ok(())
        })
        .await
    }
}
