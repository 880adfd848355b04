//! Test support for this crate's and other crates' tests and benchmarks (feature `testing`):
//! DynamoDB Local's address, a client for it, and a store on a table of its own.

use aws_sdk_dynamodb::Client;

use crate::dynamodb::{DynamoStore, create_table_without_ttl};
use crate::{StoreResult, unavailable};

/// The variable through which the test and benchmark commands give DynamoDB Local's address.
pub const LOCAL_ENDPOINT_VARIABLE: &str = "PRENOTA_DYNAMODB_ENDPOINT";

/// DynamoDB Local's address from [`LOCAL_ENDPOINT_VARIABLE`], or what to do when it is missing.
pub fn local_endpoint() -> Result<String, String> {
    std::env::var(LOCAL_ENDPOINT_VARIABLE).map_err(|_| {
        format!("{LOCAL_ENDPOINT_VARIABLE} is not set: run through tests/run (or tests/bench…), which start DynamoDB Local")
    })
}

/// A store on a new table named `{prefix}-` and 12 random hex digits at `endpoint`, so that every
/// test and benchmark run has a table of its own (tests, benchmarks). Its TTL is off: the tests'
/// clocks are fixed days that the real calendar has passed, and DynamoDB Local's TTL really
/// deletes an item whose `ttl` (a hold's deadline plus a day, say) is behind the real clock — at
/// any moment, between two steps of a test. The stores never rely on TTL to be right (reads treat
/// an expired item as gone), so nothing the tests check depends on it.
pub async fn fresh_local_store(endpoint: &str, prefix: &str) -> StoreResult<DynamoStore> {
    let client = local_client(endpoint);
    let random = prenota_core::Token::generate()
        .map_err(unavailable)?
        .hash()
        .to_hex();
    let table = format!("{prefix}-{}", &random[..12]);
    create_table_without_ttl(&client, &table).await?;
    Ok(DynamoStore::new(client, &table))
}

/// A client for DynamoDB Local or another endpoint, with fixed credentials (tests, benchmarks).
pub fn local_client(endpoint: &str) -> Client {
    use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-south-1"))
        .credentials_provider(Credentials::new("local", "local", None, None, "dynamodb-local"))
        .endpoint_url(endpoint)
        .build();
    Client::from_conf(config)
}
