//! A proof of work at the hold step when the service is under pressure: past a number of holds a
//! minute (`PRENOTA_CHALLENGE_ABOVE`), a hold needs a solved challenge, in the cookie-less ALTCHA
//! style (a SHA-256 search the citizen's browser does in a fraction of a second, with nothing to
//! see or click; no third party, no tracking). One hold costs a script as much as it costs a
//! citizen, so holding a calendar's thousands of places costs it thousands of solutions; each is
//! good once ([`prenota_store::OneTimeProofs`]) and for a few minutes.
//!
//! The pressure is counted in the process (`crate::pressure`): on one machine that is every hold; on AWS each Lambda
//! instance counts its own share, and the WAF's rate rules come first.

use altcha_lib_rs::{ChallengeOptions, Payload, create_challenge, verify_solution};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, Utc};
use prenota_core::TokenHash;
use prenota_store::OneTimeProofs;
use serde::{Deserialize, Serialize};

use crate::{Context, Failure};

/// How long a challenge may be solved and used.
pub const CHALLENGE_TTL: Duration = Duration::minutes(5);

/// What the installation's key derives the challenges' signing key for.
const CHALLENGE_DERIVATION: &str = "hold-challenge";

/// A challenge as the browser receives it (the ALTCHA challenge format).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    pub algorithm: String,
    pub challenge: String,
    pub maxnumber: u64,
    pub salt: String,
    pub signature: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ChallengeError {
    /// The service is under pressure and the hold came without a solution.
    #[error("a solved challenge is needed")]
    Required,
    /// A solution that is wrong, not ours, expired or already used.
    #[error("the solution is not valid: {0}")]
    Invalid(String),
    #[error(transparent)]
    Failed(#[from] Failure),
}

fn signing_key(context: &Context) -> String {
    context
        .secrets
        .hmac
        .derive_token_from(CHALLENGE_DERIVATION, b"")
        .encode()
}

/// A new challenge, to be solved within [`CHALLENGE_TTL`]; its work is the setting's
/// `challenge_work` (the largest number the browser may have to try).
pub fn issue(context: &Context) -> Result<Challenge, Failure> {
    let expires = context.clock.now() + CHALLENGE_TTL;
    let key = signing_key(context);
    let challenge = create_challenge(ChallengeOptions {
        hmac_key: &key,
        max_number: Some(context.settings.challenge_work),
        expires: Some(expires),
        ..ChallengeOptions::default()
    })
    .map_err(|error| Failure::Internal(format!("a challenge could not be made: {error}")))?;
    Ok(Challenge {
        algorithm: challenge.algorithm.to_string(),
        challenge: challenge.challenge,
        maxnumber: challenge.maxnumber,
        salt: challenge.salt,
        signature: challenge.signature,
    })
}

/// Checks `solution` (the browser's base64 JSON answer to an issued challenge) and spends it.
pub async fn check(
    context: &Context,
    proofs: &(impl OneTimeProofs + ?Sized),
    solution: Option<&str>,
) -> Result<(), ChallengeError> {
    let solution = solution.ok_or(ChallengeError::Required)?;
    let invalid = |why: &str| ChallengeError::Invalid(why.to_owned());
    let json = STANDARD
        .decode(solution.trim())
        .map_err(|_| invalid("not base64"))?;
    let payload: Payload = serde_json::from_slice(&json).map_err(|_| invalid("not a solution"))?;
    // The expiry is read with the installation's clock, not the library's.
    let expires = expiry(&payload.salt).ok_or_else(|| invalid("no expiry"))?;
    let now = context.clock.now();
    if expires <= now || expires > now + CHALLENGE_TTL {
        return Err(invalid("expired"));
    }
    verify_solution(&payload, &signing_key(context), false).map_err(|error| invalid(&error.to_string()))?;
    let proof = TokenHash::of(payload.challenge.as_bytes());
    if !proofs
        .spend_proof(&proof, expires, now)
        .await
        .map_err(Failure::from)?
    {
        return Err(invalid("already used"));
    }
    Ok(())
}

/// The `expires` parameter the challenge's salt carries (`salt?expires=seconds`).
fn expiry(salt: &str) -> Option<DateTime<Utc>> {
    let (_, params) = salt.split_once('?')?;
    let seconds = params
        .split('&')
        .find_map(|pair| pair.strip_prefix("expires="))?
        .parse()
        .ok()?;
    DateTime::from_timestamp(seconds, 0)
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use chrono::TimeZone;
    use prenota_core::ManualClock;
    use prenota_core::checkin::CheckinKey;
    use prenota_core::contact::HmacKey;

    use super::*;
    use crate::testing::solve;
    use crate::{Secrets, Settings};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, 0).unwrap()
    }

    fn context(clock: Arc<ManualClock>) -> Context {
        Context {
            catalogue: prenota_core::testing::TestCatalogue::benchmark().build().into(),
            clock,
            settings: Settings {
                challenge_work: 2_000,
                ..Settings::default()
            },
            secrets: Secrets {
                hmac: HmacKey::generate().unwrap(),
                checkin: CheckinKey::generate().unwrap(),
            },
            pressure: crate::pressure::Pressure::default(),
        }
    }

    /// Proofs spent in memory: the stores' own are tested on both stores.
    #[derive(Default)]
    struct Spent(Mutex<Vec<TokenHash>>);

    #[async_trait::async_trait]
    impl OneTimeProofs for Spent {
        async fn spend_proof(
            &self,
            proof: &TokenHash,
            _: DateTime<Utc>,
            _: DateTime<Utc>,
        ) -> prenota_store::StoreResult<bool> {
            let mut spent = self.0.lock().unwrap();
            if spent.contains(proof) {
                return Ok(false);
            }
            spent.push(*proof);
            Ok(true)
        }
    }

    #[tokio::test]
    async fn a_solution_is_good_once_and_only_before_it_expires() {
        let clock = Arc::new(ManualClock::new(now()));
        let context = context(Arc::clone(&clock));
        let spent = Spent::default();
        let challenge = issue(&context).unwrap();
        assert_eq!(challenge.maxnumber, 2_000);
        let solution = solve(&challenge);
        assert!(matches!(
            check(&context, &spent, None).await,
            Err(ChallengeError::Required)
        ));
        check(&context, &spent, Some(&solution)).await.unwrap();
        assert!(matches!(
            check(&context, &spent, Some(&solution)).await,
            Err(ChallengeError::Invalid(_))
        ));

        let late = solve(&issue(&context).unwrap());
        clock.set(now() + CHALLENGE_TTL);
        assert!(matches!(
            check(&context, &spent, Some(&late)).await,
            Err(ChallengeError::Invalid(_))
        ));
        assert!(matches!(
            check(&context, &spent, Some("bm90IGpzb24=")).await,
            Err(ChallengeError::Invalid(_))
        ));
    }

    #[tokio::test]
    async fn a_solution_signed_by_another_installation_is_refused() {
        let clock = Arc::new(ManualClock::new(now()));
        let ours = context(Arc::clone(&clock));
        let theirs = context(clock);
        let solution = solve(&issue(&theirs).unwrap());
        assert!(matches!(
            check(&ours, &Spent::default(), Some(&solution)).await,
            Err(ChallengeError::Invalid(_))
        ));
    }
}
