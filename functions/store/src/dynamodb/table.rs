//! The table, defined once in `infra/dynamodb/table.json` (CloudFormation's property names):
//! read here to create it, for DynamoDB Local and the `catalogue import` command alike.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, StreamSpecification, StreamViewType, TimeToLiveSpecification,
};
use serde::Deserialize;

use crate::{StoreError, StoreResult, unavailable};

/// The table definition, in CloudFormation's property names.
pub const TABLE_DEFINITION: &str = include_str!("../../../../infra/dynamodb/table.json");

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TableDefinition {
    pub key_schema: Vec<KeyElement>,
    pub attribute_definitions: Vec<AttributeDef>,
    pub global_secondary_indexes: Vec<IndexDef>,
    pub billing_mode: String,
    pub time_to_live_specification: TtlDef,
    pub stream_specification: StreamDef,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyElement {
    pub attribute_name: String,
    pub key_type: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeDef {
    pub attribute_name: String,
    pub attribute_type: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IndexDef {
    pub index_name: String,
    pub key_schema: Vec<KeyElement>,
    pub projection: ProjectionDef,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProjectionDef {
    pub projection_type: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TtlDef {
    pub attribute_name: String,
    pub enabled: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StreamDef {
    pub stream_view_type: String,
}

impl TableDefinition {
    pub fn load() -> StoreResult<Self> {
        serde_json::from_str(TABLE_DEFINITION).map_err(|e| StoreError::Corrupt(format!("table.json: {e}")))
    }
}

fn key_schema(elements: &[KeyElement]) -> StoreResult<Vec<KeySchemaElement>> {
    elements
        .iter()
        .map(|element| {
            KeySchemaElement::builder()
                .attribute_name(&element.attribute_name)
                .key_type(KeyType::from(element.key_type.as_str()))
                .build()
                .map_err(unavailable)
        })
        .collect()
}

/// Creates the table as `infra/dynamodb/table.json` defines it, and turns TTL on.
pub async fn create_table(client: &Client, name: &str) -> StoreResult<()> {
    create_table_without_ttl(client, name).await?;
    enable_ttl(client, name).await
}

/// The table of [`create_table`] with its TTL left off.
pub async fn create_table_without_ttl(client: &Client, name: &str) -> StoreResult<()> {
    let definition = TableDefinition::load()?;
    let attributes = definition
        .attribute_definitions
        .iter()
        .map(|attribute| {
            AttributeDefinition::builder()
                .attribute_name(&attribute.attribute_name)
                .attribute_type(ScalarAttributeType::from(attribute.attribute_type.as_str()))
                .build()
                .map_err(unavailable)
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let indexes = definition
        .global_secondary_indexes
        .iter()
        .map(|index| {
            GlobalSecondaryIndex::builder()
                .index_name(&index.index_name)
                .set_key_schema(Some(key_schema(&index.key_schema)?))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::from(index.projection.projection_type.as_str()))
                        .build(),
                )
                .build()
                .map_err(unavailable)
        })
        .collect::<StoreResult<Vec<_>>>()?;
    client
        .create_table()
        .table_name(name)
        .set_key_schema(Some(key_schema(&definition.key_schema)?))
        .set_attribute_definitions(Some(attributes))
        .set_global_secondary_indexes(Some(indexes))
        .billing_mode(BillingMode::from(definition.billing_mode.as_str()))
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::from(
                    definition.stream_specification.stream_view_type.as_str(),
                ))
                .build()
                .map_err(unavailable)?,
        )
        .send()
        .await
        .map_err(unavailable)?;
    Ok(())
}

/// Turns on the table's TTL, as the definition says: DynamoDB then deletes the items whose `ttl`
/// has passed (reads already treat them as gone). [`create_table`] does it; the tests' tables go
/// without, because their clock is fixed in the past of the real one and DynamoDB Local deletes
/// for real (see `crate::testing::fresh_local_store`).
pub async fn enable_ttl(client: &Client, name: &str) -> StoreResult<()> {
    let definition = TableDefinition::load()?;
    client
        .update_time_to_live()
        .table_name(name)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .attribute_name(&definition.time_to_live_specification.attribute_name)
                .enabled(definition.time_to_live_specification.enabled)
                .build()
                .map_err(unavailable)?,
        )
        .send()
        .await
        .map_err(unavailable)?;
    Ok(())
}
