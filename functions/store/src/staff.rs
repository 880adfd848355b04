//! Staff accounts, their sessions and sign-in failures: the one-machine identity (on AWS, Cognito
//! keeps the accounts, and this trait has no DynamoDB adapter). Secrets are kept only as hashes:
//! passwords as Argon2id PHC strings, session and password-link codes as SHA-256.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use prenota_core::staff::{Role, SessionTimes, SignInFailures, StaffEmail};
use prenota_core::{OfficeId, TokenHash};

use crate::StoreResult;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffAccount {
    pub email: StaffEmail,
    pub role: Role,
    pub offices: Vec<OfficeId>,
    /// The Argon2id PHC string; `None` until the person chose a password.
    pub password_hash: Option<String>,
    pub disabled: bool,
}

#[async_trait]
pub trait StaffAccounts: Send + Sync {
    /// Adds an account, or changes an existing one's role and offices (and enables it again);
    /// its password is kept unless `account.password_hash` is set.
    async fn put_staff(&self, account: &StaffAccount) -> StoreResult<()>;

    async fn staff(&self, email: &StaffEmail) -> StoreResult<Option<StaffAccount>>;

    /// Every account, by e-mail.
    async fn all_staff(&self) -> StoreResult<Vec<StaffAccount>>;

    /// Disables an account and ends its sessions at once; false when there is no such account.
    async fn disable_staff(&self, email: &StaffEmail) -> StoreResult<bool>;

    /// Sets the password of an account (the Argon2id PHC string).
    async fn set_password(&self, email: &StaffEmail, hash: &str) -> StoreResult<()>;

    /// Remembers a one-time password link for `email` until `until`.
    async fn put_password_code(
        &self,
        code: &TokenHash,
        email: &StaffEmail,
        until: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// Uses a password link: the account it is for, once; `None` when unknown, used or expired.
    async fn take_password_code(
        &self,
        code: &TokenHash,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<StaffEmail>>;

    /// Failed sign-ins in a row for the e-mail whose hash is `who` (an e-mail with or without an
    /// account: the answer must not tell).
    async fn sign_in_failures(&self, who: &TokenHash) -> StoreResult<SignInFailures>;

    /// Counts one more failure; answers the count with it.
    async fn record_sign_in_failure(
        &self,
        who: &TokenHash,
        now: DateTime<Utc>,
    ) -> StoreResult<SignInFailures>;

    async fn clear_sign_in_failures(&self, who: &TokenHash) -> StoreResult<()>;

    async fn create_session(
        &self,
        session: &TokenHash,
        email: &StaffEmail,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;

    /// The account a session belongs to and its times; `None` when unknown or ended.
    async fn session(&self, session: &TokenHash) -> StoreResult<Option<(StaffEmail, SessionTimes)>>;

    async fn touch_session(&self, session: &TokenHash, now: DateTime<Utc>) -> StoreResult<()>;

    async fn end_session(&self, session: &TokenHash) -> StoreResult<()>;
}
