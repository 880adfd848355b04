//! Who a staff request comes from on AWS: the claims of the Cognito ID token that API Gateway's
//! JWT authorizer has verified (signature, issuer, audience, expiry) on every route under
//! `/api/staff/` but `config`, read from the request context
//! (`requestContext.authorizer.jwt.claims`) and turned into a [`StaffIdentity`]:
//!
//! - `email`: the person (lower-cased; the pool's user name is the e-mail);
//! - `cognito:groups`: the role, the highest of the groups `operator`, `manager`, `admin` (other
//!   groups, such as the one Cognito makes for a federated identity provider, are ignored). API
//!   Gateway hands every claim over as a string, an array as `[admin operator]`; a JSON array
//!   (`["admin","operator"]`) is read too;
//! - `custom:offices`: the offices, comma-separated ids (`ufficio-1,ufficio-3`).
//!
//! The token must be an ID token (`token_use` `id`: an access token of the same client passes the
//! authorizer too, but carries neither e-mail nor offices), and when the environment names them
//! (`PRENOTA_COGNITO_ISSUER`, `PRENOTA_COGNITO_CLIENT_ID`) its issuer and audience must be those.
//! Anything missing or wrong gives no identity, and the app then answers 401: only the front puts
//! an identity in a request, no header can.

use std::collections::HashMap;
use std::sync::OnceLock;

use lambda_http::RequestExt as _;
use lambda_http::request::RequestContext;
use prenota_core::OfficeId;
use prenota_core::staff::{Role, StaffEmail, StaffIdentity};

/// The issuer and audience a token must have, when known (on AWS both are in the environment).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expected {
    pub issuer: Option<String>,
    pub client_id: Option<String>,
}

impl Expected {
    /// From `PRENOTA_COGNITO_ISSUER` and `PRENOTA_COGNITO_CLIENT_ID`, read once.
    pub fn from_env() -> &'static Expected {
        static EXPECTED: OnceLock<Expected> = OnceLock::new();
        EXPECTED.get_or_init(|| {
            let var = |name| {
                std::env::var(name)
                    .ok()
                    .map(|value| value.trim().to_owned())
                    .filter(|value| !value.is_empty())
            };
            Expected {
                issuer: var("PRENOTA_COGNITO_ISSUER").map(|issuer| issuer.trim_end_matches('/').to_owned()),
                client_id: var("PRENOTA_COGNITO_CLIENT_ID"),
            }
        })
    }
}

/// Why claims gave no identity (logged; never the claims themselves, which name a person).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    NotAnIdToken,
    WrongIssuer,
    WrongAudience,
    NoEmail,
    NoRole,
}

/// The JWT authorizer's claims of an API Gateway v2 request, if it has any.
pub fn claims_of(request: &lambda_http::Request) -> Option<&HashMap<String, String>> {
    match request.request_context_ref()? {
        RequestContext::ApiGatewayV2(context) => {
            context.authorizer.as_ref()?.jwt.as_ref().map(|jwt| &jwt.claims)
        }
        #[allow(unreachable_patterns)] // other fronts, when their lambda_http features are on
        _ => None,
    }
}

/// The identity of a request's verified claims, or nothing (no claims, or claims refused: logged).
pub fn verified_identity(request: &lambda_http::Request) -> Option<StaffIdentity> {
    let claims = claims_of(request).filter(|claims| !claims.is_empty())?;
    match staff_identity(claims, Expected::from_env()) {
        Ok(identity) => Some(identity),
        Err(refused) => {
            tracing::warn!(?refused, "verified token claims give no staff identity");
            None
        }
    }
}

/// Claims (as API Gateway passes them: every value a string) to the staff identity.
pub fn staff_identity(
    claims: &HashMap<String, String>,
    expected: &Expected,
) -> Result<StaffIdentity, Refused> {
    let claim = |name: &str| claims.get(name).map(|value| value.trim());
    if claim("token_use") != Some("id") {
        return Err(Refused::NotAnIdToken);
    }
    if let Some(issuer) = &expected.issuer
        && claim("iss").map(|iss| iss.trim_end_matches('/')) != Some(issuer.as_str())
    {
        return Err(Refused::WrongIssuer);
    }
    if let Some(client_id) = &expected.client_id
        && !claim("aud").is_some_and(|aud| list(aud).any(|one| one == *client_id))
    {
        return Err(Refused::WrongAudience);
    }
    let email = claim("email")
        .and_then(|email| StaffEmail::parse(email).ok())
        .ok_or(Refused::NoEmail)?;
    let role = claim("cognito:groups")
        .and_then(highest_role)
        .ok_or(Refused::NoRole)?;
    Ok(StaffIdentity {
        email: email.as_str().to_owned(),
        role,
        offices: claim("custom:offices").map(offices).unwrap_or_default(),
    })
}

/// The items of a list claim: a JSON array of strings, `[a b]` (how API Gateway renders an
/// array), or a bare `a,b` / `a b`.
fn list(raw: &str) -> Box<dyn Iterator<Item = String> + '_> {
    let raw = raw.trim();
    if let Ok(items) = serde_json::from_str::<Vec<String>>(raw) {
        return Box::new(items.into_iter().map(|item| item.trim().to_owned()));
    }
    let inner = raw
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .unwrap_or(raw);
    Box::new(
        inner
            .split(|c: char| c == ',' || c.is_whitespace())
            .map(|item| item.trim_matches('"').to_owned())
            .filter(|item| !item.is_empty()),
    )
}

/// The highest role among the groups; groups that are no role are ignored.
fn highest_role(groups: &str) -> Option<Role> {
    list(groups).filter_map(|group| Role::parse(&group)).max()
}

/// `ufficio-1,ufficio-3` → the offices, in order, once each; an id that is no office id is left out.
fn offices(raw: &str) -> Vec<OfficeId> {
    let mut found: Vec<OfficeId> = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|part| !part.is_empty()) {
        match OfficeId::parse(part) {
            Ok(office) if !found.contains(&office) => found.push(office),
            Ok(_) => {}
            Err(_) => tracing::warn!("custom:offices holds a value that is no office id"),
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const ISSUER: &str = "https://cognito-idp.eu-south-1.amazonaws.com/eu-south-1_Xq3Lb7TzP";
    const CLIENT: &str = "3n4b5urk1ft4fl3mg5e62d9ado";

    fn claims(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        let mut claims: HashMap<String, String> = [
            ("token_use", "id"),
            ("iss", ISSUER),
            ("aud", CLIENT),
            ("email", "Giulia.Rota@Comune.Bergamo.it"),
            ("cognito:groups", "[operator]"),
            ("custom:offices", "ufficio-1"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        for (name, value) in pairs {
            if value.is_empty() {
                claims.remove(*name);
            } else {
                claims.insert((*name).to_owned(), (*value).to_owned());
            }
        }
        claims
    }

    fn expected() -> Expected {
        Expected {
            issuer: Some(ISSUER.to_owned()),
            client_id: Some(CLIENT.to_owned()),
        }
    }

    fn office(id: &str) -> OfficeId {
        OfficeId::parse(id).unwrap()
    }

    #[test]
    fn an_operator_of_one_office() {
        let identity = staff_identity(&claims(&[]), &expected()).unwrap();
        assert_eq!(
            identity,
            StaffIdentity {
                email: "giulia.rota@comune.bergamo.it".to_owned(),
                role: Role::Operator,
                offices: vec![office("ufficio-1")],
            }
        );
    }

    #[test]
    fn the_role_is_the_highest_group_in_every_form_api_gateway_may_pass() {
        for (groups, role) in [
            ("[operator]", Role::Operator),
            ("[admin operator]", Role::Admin),
            ("[operator manager]", Role::Manager),
            (r#"["manager","operator"]"#, Role::Manager),
            (r#"["operator", "admin"]"#, Role::Admin),
            ("manager", Role::Manager),
            ("operator,manager", Role::Manager),
            ("[eu-south-1_Xq3Lb7TzP_comune-bergamo operator]", Role::Operator),
        ] {
            let identity = staff_identity(&claims(&[("cognito:groups", groups)]), &expected()).unwrap();
            assert_eq!(identity.role, role, "{groups}");
        }
    }

    #[test]
    fn without_a_role_there_is_no_identity() {
        for groups in [
            "[]",
            "",
            "[eu-south-1_Xq3Lb7TzP_comune-bergamo]",
            "[Admin]",
            "[]x",
        ] {
            assert_eq!(
                staff_identity(&claims(&[("cognito:groups", groups)]), &expected()),
                Err(Refused::NoRole),
                "{groups:?}"
            );
        }
    }

    #[test]
    fn offices_are_comma_separated_ids_kept_once_in_order() {
        let identity = staff_identity(
            &claims(&[("custom:offices", " ufficio-3, ufficio-1,,ufficio-3 ,Not An Id")]),
            &expected(),
        )
        .unwrap();
        assert_eq!(identity.offices, vec![office("ufficio-3"), office("ufficio-1")]);
        // None assigned (an admin works everywhere anyway).
        let admin = staff_identity(
            &claims(&[("custom:offices", ""), ("cognito:groups", "[admin]")]),
            &expected(),
        )
        .unwrap();
        assert_eq!((admin.role, admin.offices), (Role::Admin, vec![]));
    }

    #[test]
    fn only_an_id_token_of_the_pool_and_the_counter_client_counts() {
        let refused = |pairs: &[(&str, &str)]| staff_identity(&claims(pairs), &expected()).unwrap_err();
        assert_eq!(refused(&[("token_use", "access")]), Refused::NotAnIdToken);
        assert_eq!(refused(&[("token_use", "")]), Refused::NotAnIdToken);
        assert_eq!(
            refused(&[(
                "iss",
                "https://cognito-idp.eu-south-1.amazonaws.com/eu-south-1_Other"
            )]),
            Refused::WrongIssuer
        );
        assert_eq!(refused(&[("aud", "someotherclient")]), Refused::WrongAudience);
        assert_eq!(refused(&[("email", "")]), Refused::NoEmail);
        assert_eq!(refused(&[("email", "not an address")]), Refused::NoEmail);
        // A trailing slash on the issuer, an audience rendered as a list: the same.
        assert!(
            staff_identity(
                &claims(&[("iss", &format!("{ISSUER}/")), ("aud", &format!("[{CLIENT}]"))]),
                &expected()
            )
            .is_ok()
        );
        // Without an expected issuer and client (not configured), the authorizer's word is enough.
        assert!(
            staff_identity(
                &claims(&[("iss", "https://elsewhere"), ("aud", "x")]),
                &Expected::default()
            )
            .is_ok()
        );
    }

    fn request(event: &str) -> lambda_http::Request {
        lambda_http::request::from_str(event).unwrap()
    }

    fn sample(name: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../events")
            .join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn the_sample_events_carry_their_identity_and_the_public_ones_none() {
        let me = request(&sample("staff-agenda-me.json"));
        let claims = claims_of(&me).expect("the authorizer's claims");
        let identity = staff_identity(claims, &Expected::default()).unwrap();
        assert_eq!(identity.email, "giulia.rota@comune.bergamo.it");
        assert_eq!(
            (identity.role, identity.offices),
            (Role::Operator, vec![office("ufficio-1")])
        );
        let audit = request(&sample("staff-agenda-audit.json"));
        let manager = staff_identity(claims_of(&audit).unwrap(), &Expected::default()).unwrap();
        assert_eq!(manager.role, Role::Manager);
        assert_eq!(manager.offices, vec![office("ufficio-1"), office("ufficio-3")]);
        for public in ["staff-agenda-config.json", "display.json", "services.json"] {
            assert!(claims_of(&request(&sample(public))).is_none(), "{public}");
            assert!(verified_identity(&request(&sample(public))).is_none(), "{public}");
        }
    }
}
