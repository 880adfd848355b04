//! Staff identity on one machine: accounts (added, listed, disabled from the command line),
//! passwords (Argon2id, chosen through a one-time link or given on standard input), signing in
//! and out with a session cookie, and who a session is. On AWS, Cognito does all of this and the
//! token's claims become the same [`StaffIdentity`].

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Utc};
use prenota_core::audit::{AuditAction, AuditEntry};
use prenota_core::staff::{LOCK_AFTER, NewPassword, PASSWORD_LINK_VALID, Role, StaffEmail, StaffIdentity};
use prenota_core::{OfficeId, Token, TokenHash};
use prenota_store::{AuditLog, StaffAccount, StaffAccounts};

use crate::{Context, Failure};

/// Why signing in was refused. The same answer whether the e-mail has an account or not.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Unknown e-mail, wrong password, disabled account, or no password chosen yet.
    #[error("wrong e-mail or password")]
    BadCredentials,
    /// Too many failures in a row: the next attempt is heard after `wait`.
    #[error("too many failed attempts")]
    TooManyAttempts { wait: std::time::Duration },
    #[error(transparent)]
    Failed(#[from] Failure),
}

impl From<prenota_store::StoreError> for SignInError {
    fn from(error: prenota_store::StoreError) -> Self {
        Self::Failed(error.into())
    }
}

/// A new session: the cookie's value (never stored; the store keeps its hash).
#[derive(Debug)]
pub struct NewSession {
    pub token: Token,
    pub identity: StaffIdentity,
}

fn hasher() -> Argon2<'static> {
    // Argon2id, version 19, 19 MiB, 2 passes, 1 lane: OWASP's first recommended setting.
    Argon2::default()
}

/// The PHC string of a password (Argon2id with a random salt).
pub fn hash_password(password: &NewPassword) -> Result<String, Failure> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| Failure::Internal(format!("the password could not be hashed: {error}")))
}

fn password_matches(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| hasher().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A hash that no password matches, verified when the e-mail has no account so that the answer
/// takes as long as for a wrong password (no timing tells whether the account exists).
const DECOY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$N5Pq3lFtg6S0GRhUnk4v2lvLUjOKoXr0KKcNWRlTsVs";

/// Whom failures are counted against: the e-mail as typed, canonical, hashed (it may be a
/// password typed into the wrong field: never stored as such).
fn failure_key(email: &str) -> TokenHash {
    TokenHash::of(format!("sign-in:{}", email.trim().to_lowercase()).as_bytes())
}

fn identity_of(account: &StaffAccount) -> StaffIdentity {
    StaffIdentity {
        email: account.email.as_str().to_owned(),
        role: account.role,
        offices: account.offices.clone(),
    }
}

async fn audit(
    context: &Context,
    log: &dyn AuditLog,
    actor: &str,
    action: AuditAction,
    now: DateTime<Utc>,
) -> Result<(), Failure> {
    let entry = AuditEntry {
        at: now,
        actor: actor.to_owned(),
        action,
        office: None,
        short_code: None,
    };
    log.record_audit(&entry, now + context.settings.audit_retention)
        .await?;
    Ok(())
}

/// Signs in with e-mail and password. Failures in a row slow the next attempt down, then lock the
/// e-mail for a while (`prenota_core::staff::sign_in_wait`), whether it has an account or not.
pub async fn sign_in(
    context: &Context,
    accounts: &dyn StaffAccounts,
    log: &dyn AuditLog,
    email: &str,
    password: &str,
) -> Result<NewSession, SignInError> {
    let now = context.clock.now();
    let who = failure_key(email);
    if let Some(retry_at) = accounts.sign_in_failures(&who).await?.retry_at(now) {
        let wait = (retry_at - now).to_std().unwrap_or_default();
        return Err(SignInError::TooManyAttempts { wait });
    }
    let account = match StaffEmail::parse(email) {
        Ok(email) => accounts.staff(&email).await?,
        Err(_) => None,
    };
    let hash = account.as_ref().and_then(|a| a.password_hash.as_deref());
    let matches = password_matches(hash.unwrap_or(DECOY_HASH), password);
    let account = match account {
        Some(account) if matches && hash.is_some() && !account.disabled => account,
        _ => {
            let failures = accounts.record_sign_in_failure(&who, now).await?;
            if failures.count == LOCK_AFTER {
                if let Some(account) = &account {
                    audit(context, log, account.email.as_str(), AuditAction::Locked, now).await?;
                }
                tracing::warn!("a staff account was locked after repeated failed sign-ins");
            }
            return Err(SignInError::BadCredentials);
        }
    };
    accounts.clear_sign_in_failures(&who).await?;
    let token = Token::generate().map_err(Failure::from)?;
    accounts
        .create_session(&token.hash(), &account.email, now)
        .await?;
    audit(context, log, account.email.as_str(), AuditAction::SignIn, now).await?;
    Ok(NewSession {
        token,
        identity: identity_of(&account),
    })
}

/// Who a session cookie belongs to, if it is live and the account enabled; a live session's last
/// use is written (at most once a minute), an ended one is deleted.
pub async fn identify(
    context: &Context,
    accounts: &dyn StaffAccounts,
    session: &Token,
) -> Result<Option<StaffIdentity>, Failure> {
    let now = context.clock.now();
    let hash = session.hash();
    let Some((email, times)) = accounts.session(&hash).await? else {
        return Ok(None);
    };
    if !times.is_live(now) {
        accounts.end_session(&hash).await?;
        return Ok(None);
    }
    let Some(account) = accounts.staff(&email).await?.filter(|account| !account.disabled) else {
        return Ok(None);
    };
    if times.needs_touch(now) {
        accounts.touch_session(&hash, now).await?;
    }
    Ok(Some(identity_of(&account)))
}

/// Signs out: the session is gone, whatever it was.
pub async fn sign_out(
    context: &Context,
    accounts: &dyn StaffAccounts,
    log: &dyn AuditLog,
    session: &Token,
) -> Result<(), Failure> {
    if let Some(identity) = identify(context, accounts, session).await? {
        audit(
            context,
            log,
            &identity.email,
            AuditAction::SignOut,
            context.clock.now(),
        )
        .await?;
    }
    accounts.end_session(&session.hash()).await?;
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// The link's code is unknown, used or expired.
    #[error("the link is not valid")]
    UnknownCode,
    #[error(transparent)]
    Failed(#[from] Failure),
}

/// Sets the password through a one-time link from `prenota staff add`.
pub async fn set_password_by_code(
    context: &Context,
    accounts: &dyn StaffAccounts,
    log: &dyn AuditLog,
    code: &Token,
    password: &NewPassword,
) -> Result<(), PasswordError> {
    let now = context.clock.now();
    let email = accounts
        .take_password_code(&code.hash(), now)
        .await
        .map_err(Failure::from)?
        .ok_or(PasswordError::UnknownCode)?;
    accounts
        .set_password(&email, &hash_password(password)?)
        .await
        .map_err(Failure::from)?;
    audit(context, log, email.as_str(), AuditAction::PasswordSet, now).await?;
    Ok(())
}

/// What `prenota staff add` did.
#[derive(Debug)]
pub enum Added {
    /// With the password given.
    WithPassword,
    /// The link where the person chooses the password (valid 24 h, once).
    PasswordLink(String),
}

#[derive(Debug, thiserror::Error)]
pub enum AddError {
    #[error("no office has the id {0:?}")]
    UnknownOffice(String),
    #[error("an {0} needs at least one office (--office)")]
    NoOffice(Role),
    #[error(transparent)]
    Failed(#[from] Failure),
}

/// Adds a staff account (or changes its role and offices), with a password or a link to choose it.
pub async fn add(
    context: &Context,
    accounts: &dyn StaffAccounts,
    email: &StaffEmail,
    role: Role,
    offices: &[OfficeId],
    password: Option<&NewPassword>,
) -> Result<Added, AddError> {
    if let Some(unknown) = offices.iter().find(|id| context.catalogue().office(id).is_none()) {
        return Err(AddError::UnknownOffice(unknown.to_string()));
    }
    if offices.is_empty() && role != Role::Admin {
        return Err(AddError::NoOffice(role));
    }
    let password_hash = password.map(hash_password).transpose()?;
    let account = StaffAccount {
        email: email.clone(),
        role,
        offices: offices.to_vec(),
        password_hash,
        disabled: false,
    };
    accounts.put_staff(&account).await.map_err(Failure::from)?;
    if password.is_some() {
        return Ok(Added::WithPassword);
    }
    let code = Token::generate().map_err(Failure::from)?;
    let until = context.clock.now() + PASSWORD_LINK_VALID;
    accounts
        .put_password_code(&code.hash(), email, until)
        .await
        .map_err(Failure::from)?;
    Ok(Added::PasswordLink(format!(
        "{}/sportello/password.html#{}",
        context.settings.public_url,
        code.encode()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_decoy_costs_what_a_real_hash_costs() {
        // It must parse with the same parameters, or a missing account would answer faster.
        let decoy = PasswordHash::new(DECOY_HASH).expect("the decoy is a PHC string");
        let real_hash = hash_password(&NewPassword::parse("una password lunga").unwrap()).unwrap();
        let real = PasswordHash::new(&real_hash).unwrap();
        assert_eq!(decoy.algorithm, real.algorithm);
        assert_eq!(decoy.params, real.params);
        assert!(!password_matches(DECOY_HASH, "una password lunga"));
        assert!(password_matches(&real_hash, "una password lunga"));
    }
}
