//! The table as `create_table` makes it on DynamoDB Local: TTL on, by the definition's attribute.
//! (The tests' own tables go without TTL: see `prenota_store::testing::fresh_local_store`.)

use aws_sdk_dynamodb::types::TimeToLiveStatus;
use prenota_store::dynamodb::{TableDefinition, create_table};
use prenota_store::testing::{local_client, local_endpoint};

#[tokio::test]
async fn create_table_turns_ttl_on() {
    let endpoint = local_endpoint().unwrap_or_else(|missing| panic!("{missing}"));
    let client = local_client(&endpoint);
    let name = format!(
        "prenota-table-{}",
        &prenota_core::Token::generate().unwrap().hash().to_hex()[..12]
    );
    create_table(&client, &name).await.unwrap();
    let ttl = client
        .describe_time_to_live()
        .table_name(&name)
        .send()
        .await
        .unwrap();
    let description = ttl.time_to_live_description().expect("a TTL description");
    assert_eq!(
        description.time_to_live_status(),
        Some(&TimeToLiveStatus::Enabled)
    );
    assert_eq!(
        description.attribute_name(),
        Some(
            TableDefinition::load()
                .unwrap()
                .time_to_live_specification
                .attribute_name
                .as_str()
        )
    );
}
