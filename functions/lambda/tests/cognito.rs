//! Staff sign-in on AWS, end to end but for API Gateway itself, on moto server's Cognito (tests/run
//! starts it and sets PRENOTA_MOTO_ENDPOINT): a user pool with the groups and the `custom:offices`
//! attribute of the stacks, a member of staff in two groups, an ID token from
//! `AdminInitiateAuth`; the token's RS256 signature, issuer, audience and expiry checked against
//! the pool's JWKS as the HTTP API's JWT authorizer does; then its claims handed to the Lambda the
//! way API Gateway hands them (every value a string, an array as `[a b]`), and the staff identity
//! the adapter puts in the request checked.
//!
//! moto's tokens carry the real issuer (`https://cognito-idp.<region>.amazonaws.com/<pool id>`)
//! while its JWKS is served at `<moto>/<pool id>/.well-known/jwks.json`.
//! Cognito's JSON protocol is spoken with plain HTTP: moto reads the service from the
//! Authorization header's scope and checks no signature.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};
use prenota_core::OfficeId;
use prenota_core::staff::Role;
use prenota_lambda::claims::{Expected, Refused, claims_of, staff_identity};
use prenota_web::staff_auth::VerifiedIdentity;
use serde_json::{Value, json};

const REGION: &str = "eu-south-1";
const PASSWORD: &str = "Sportello-di-prova-2026!";

struct Moto {
    endpoint: String,
    http: reqwest::Client,
}

impl Moto {
    fn new() -> Self {
        let endpoint = std::env::var("PRENOTA_MOTO_ENDPOINT")
            .expect("PRENOTA_MOTO_ENDPOINT is not set: run through tests/run, which starts moto server");
        Self {
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            http: reqwest::Client::new(),
        }
    }

    /// One call of Cognito's JSON 1.1 protocol (`AWSCognitoIdentityProviderService.<operation>`).
    async fn cognito(&self, operation: &str, body: Value) -> Value {
        let response = self
            .http
            .post(format!("{}/", self.endpoint))
            .header("content-type", "application/x-amz-json-1.1")
            .header(
                "x-amz-target",
                format!("AWSCognitoIdentityProviderService.{operation}"),
            )
            .header(
                "authorization",
                format!(
                    "AWS4-HMAC-SHA256 Credential=testing/20261126/{REGION}/cognito-idp/aws4_request, \
                     SignedHeaders=host, Signature=0"
                ),
            )
            .body(body.to_string())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{operation}: moto server does not answer: {e}"));
        let status = response.status();
        let text = response.text().await.unwrap();
        assert!(status.is_success(), "{operation}: {status} {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{operation}: not JSON ({e}): {text}"))
    }

    async fn jwks(&self, pool_id: &str) -> Value {
        let url = format!("{}/{pool_id}/.well-known/jwks.json", self.endpoint);
        let response = self.http.get(&url).send().await.unwrap();
        assert!(response.status().is_success(), "{url}: {}", response.status());
        response.json().await.unwrap()
    }
}

/// A pool as the stacks make it (infra/sam/template.yaml, StaffUserPool): e-mail user names,
/// admin-made accounts, the offices attribute, the three groups; and the counter's client, here
/// with the admin password flow the test signs in with.
async fn staff_pool(moto: &Moto) -> (String, String) {
    let unique = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos();
    let pool = moto
        .cognito(
            "CreateUserPool",
            json!({
                "PoolName": format!("prenota-staff-{unique}"),
                "UsernameAttributes": ["email"],
                "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": true},
                "Policies": {"PasswordPolicy": {"MinimumLength": 12, "RequireLowercase": true,
                    "RequireUppercase": true, "RequireNumbers": true, "RequireSymbols": true}},
                "MfaConfiguration": "OPTIONAL",
                "Schema": [
                    {"Name": "email", "AttributeDataType": "String", "Required": true, "Mutable": true},
                    {"Name": "offices", "AttributeDataType": "String", "Mutable": true,
                     "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "2048"}}
                ]
            }),
        )
        .await;
    let pool_id = pool["UserPool"]["Id"].as_str().unwrap().to_owned();
    let client = moto
        .cognito(
            "CreateUserPoolClient",
            json!({
                "UserPoolId": pool_id,
                "ClientName": "counter",
                "GenerateSecret": false,
                "ExplicitAuthFlows": ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                "ReadAttributes": ["email", "email_verified", "custom:offices"],
                "WriteAttributes": ["email", "given_name", "family_name"]
            }),
        )
        .await;
    let client_id = client["UserPoolClient"]["ClientId"].as_str().unwrap().to_owned();
    for (group, precedence) in [("admin", 10), ("manager", 20), ("operator", 30)] {
        moto.cognito(
            "CreateGroup",
            json!({"UserPoolId": pool_id, "GroupName": group, "Precedence": precedence}),
        )
        .await;
    }
    (pool_id, client_id)
}

/// A member of staff as docs/deploy.md makes one, then signed in: the ID token.
async fn signed_in(
    moto: &Moto,
    pool_id: &str,
    client_id: &str,
    email: &str,
    groups: &[&str],
    offices: &str,
) -> String {
    moto.cognito(
        "AdminCreateUser",
        json!({
            "UserPoolId": pool_id,
            "Username": email,
            "UserAttributes": [
                {"Name": "email", "Value": email},
                {"Name": "email_verified", "Value": "true"},
                {"Name": "custom:offices", "Value": offices}
            ],
            "MessageAction": "SUPPRESS"
        }),
    )
    .await;
    moto.cognito(
        "AdminSetUserPassword",
        json!({"UserPoolId": pool_id, "Username": email, "Password": PASSWORD, "Permanent": true}),
    )
    .await;
    for group in groups {
        moto.cognito(
            "AdminAddUserToGroup",
            json!({"UserPoolId": pool_id, "Username": email, "GroupName": group}),
        )
        .await;
    }
    let answer = moto
        .cognito(
            "AdminInitiateAuth",
            json!({
                "UserPoolId": pool_id,
                "ClientId": client_id,
                "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": email, "PASSWORD": PASSWORD}
            }),
        )
        .await;
    answer["AuthenticationResult"]["IdToken"]
        .as_str()
        .unwrap_or_else(|| panic!("no ID token: {answer}"))
        .to_owned()
}

/// What the JWT authorizer does before the Lambda runs: the signature by the pool's key (the
/// token's `kid` in the JWKS), RS256 only, the issuer and the audience, not expired.
fn verify(
    token: &str,
    jwks: &Value,
    issuer: &str,
    client_id: &str,
) -> Result<Value, jsonwebtoken::errors::Error> {
    let header = decode_header(token)?;
    let key = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|key| header.kid.is_none() || key["kid"].as_str() == header.kid.as_deref())
        .expect("the token's key is in the pool's JWKS");
    let key = DecodingKey::from_rsa_components(key["n"].as_str().unwrap(), key["e"].as_str().unwrap())?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[client_id]);
    validation.set_required_spec_claims(&["exp", "iss", "aud"]);
    Ok(decode::<Value>(token, &key, &validation)?.claims)
}

/// The claims as API Gateway's HTTP API passes them to the function: every value a string, a
/// list as `[a b]`.
fn as_api_gateway_passes(claims: &Value) -> HashMap<String, String> {
    claims
        .as_object()
        .unwrap()
        .iter()
        .map(|(name, value)| {
            let text = match value {
                Value::String(text) => text.clone(),
                Value::Array(items) => format!(
                    "[{}]",
                    items
                        .iter()
                        .map(|item| item
                            .as_str()
                            .map(str::to_owned)
                            .unwrap_or_else(|| item.to_string()))
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
                other => other.to_string(),
            };
            (name.clone(), text)
        })
        .collect()
}

/// A sample event of the counter (events/staff-agenda-me.json) with these claims in its context.
fn event_with(claims: &HashMap<String, String>) -> lambda_http::Request {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../events/staff-agenda-me.json");
    let mut event: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    event["requestContext"]["authorizer"]["jwt"]["claims"] = serde_json::to_value(claims).unwrap();
    lambda_http::request::from_str(&event.to_string()).expect("an API Gateway v2 event")
}

fn office(id: &str) -> OfficeId {
    OfficeId::parse(id).unwrap()
}

#[tokio::test]
async fn a_cognito_id_token_becomes_the_staff_identity_of_the_request() {
    let moto = Moto::new();
    let (pool_id, client_id) = staff_pool(&moto).await;
    let issuer = format!("https://cognito-idp.{REGION}.amazonaws.com/{pool_id}");
    let token = signed_in(
        &moto,
        &pool_id,
        &client_id,
        "Paolo.Locatelli@comune.bergamo.it",
        &["operator", "manager"],
        "ufficio-1,ufficio-3",
    )
    .await;

    let jwks = moto.jwks(&pool_id).await;
    let claims = verify(&token, &jwks, &issuer, &client_id).expect("the pool signed the token");
    assert_eq!(claims["token_use"], "id", "{claims}");
    assert_eq!(claims["custom:offices"], "ufficio-1,ufficio-3", "{claims}");

    // The checks bite: another audience, another issuer, a changed payload.
    assert!(verify(&token, &jwks, &issuer, "another-client").is_err());
    assert!(
        verify(
            &token,
            &jwks,
            "https://cognito-idp.eu-south-1.amazonaws.com/eu-south-1_other",
            &client_id
        )
        .is_err()
    );
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut forged = claims.clone();
    forged["cognito:groups"] = json!(["admin"]);
    parts[1] = base64_url(&serde_json::to_vec(&forged).unwrap());
    assert!(
        verify(&parts.join("."), &jwks, &issuer, &client_id).is_err(),
        "a forged payload"
    );

    // As API Gateway passes them: the adapter puts the identity into the app's request.
    let passed = as_api_gateway_passes(&claims);
    assert!(passed["cognito:groups"].starts_with('['), "{passed:?}");
    let expected = Expected {
        issuer: Some(issuer.clone()),
        client_id: Some(client_id.clone()),
    };
    let identity = staff_identity(&passed, &expected).expect("a staff identity");
    assert_eq!(identity.email, "paolo.locatelli@comune.bergamo.it");
    assert_eq!(
        identity.role,
        Role::Manager,
        "the highest of operator and manager"
    );
    assert_eq!(identity.offices, vec![office("ufficio-1"), office("ufficio-3")]);

    let request = event_with(&passed);
    assert_eq!(claims_of(&request), Some(&passed));
    let app_request = prenota_lambda::to_app_request(request);
    let VerifiedIdentity(verified) = app_request
        .extensions()
        .get::<VerifiedIdentity>()
        .expect("the adapter puts the verified identity into the request");
    assert_eq!(verified, &identity);

    // The same claims with the groups as a JSON array, the other form a front may pass.
    let mut json_groups = passed.clone();
    json_groups.insert("cognito:groups".into(), claims["cognito:groups"].to_string());
    assert_eq!(
        staff_identity(&json_groups, &expected).unwrap().role,
        Role::Manager
    );

    // Someone of the pool in no group of Prenota, and an access token: no identity (401).
    let token = signed_in(
        &moto,
        &pool_id,
        &client_id,
        "nessuno@comune.bergamo.it",
        &[],
        "ufficio-1",
    )
    .await;
    let claims = verify(&token, &jwks, &issuer, &client_id).unwrap();
    assert_eq!(
        staff_identity(&as_api_gateway_passes(&claims), &expected),
        Err(Refused::NoRole)
    );
    let request = event_with(&as_api_gateway_passes(&claims));
    assert!(
        prenota_lambda::to_app_request(request)
            .extensions()
            .get::<VerifiedIdentity>()
            .is_none()
    );
    let mut access = passed.clone();
    access.insert("token_use".into(), "access".into());
    assert_eq!(staff_identity(&access, &expected), Err(Refused::NotAnIdToken));
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
