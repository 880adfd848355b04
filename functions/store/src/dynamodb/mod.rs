//! The AWS store: one DynamoDB table (defined once, in `infra/dynamodb/table.json`).
//!
//! A slot of capacity *c* is *c* seat items (`pk = SEAT#office#service#date`, `sk = HH:MM#seat`).
//! A hold is a conditional put on a seat: `attribute_not_exists(pk) OR expires_at <= :now`, so an
//! expired seat is free the instant it expires and TTL only tidies up. Every later change is a
//! transaction that re-checks, in its conditions, what it read; when a condition fails the change
//! is read and decided again, so a racing request gets the same outcome as a later one would.
//! Per-contact quotas are seats too: `QUOTA#contact-key` items `ACTIVE#k` and
//! `DAY#service#date#k`, claimed in the same transaction as the booking. No Scan anywhere.
//!
//! Modules: `table` (its definition), `usage` (every request is sent through it), `keys`, `items`
//! (items read back and written), this one (the store and its reads), `transact` (the
//! read-decide-write loop and the writes several aggregates share), then one module per
//! aggregate: `seats` (with the catalogue), `bookings` (with `details`, its longest
//! transaction), `outbox`, `feedback`.

use std::sync::Arc;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::builders::{DeleteBuilder, PutBuilder, UpdateBuilder};
use aws_sdk_dynamodb::types::{Delete, Put, Update};
use chrono::{DateTime, Duration, Utc};
use prenota_core::{BookingId, TokenHash};

use crate::stored::{corrupt, stored_booking_id};
use crate::{StoreError, StoreResult};

mod audit;
mod bookings;
mod catalogue;
mod closures;
mod counter;
mod counters;
mod details;
mod feedback;
mod items;
mod keys;
mod moving;
mod outbox;
mod reconfirmation;
mod seats;
mod statistics;
mod table;
mod transact;
mod usage;
mod waiting;
mod walk_in;

pub use keys::GSI;
pub use table::{
    AttributeDef, IndexDef, KeyElement, ProjectionDef, StreamDef, TABLE_DEFINITION, TableDefinition, TtlDef,
    create_table, create_table_without_ttl, enable_ttl,
};
pub use usage::{Usage, UsageSnapshot};

use items::{Record, person_from_item, record_from_item, text};
use keys::{CodePurpose, Item, booking_key, code_key, person_key, s};
use usage::{Metered, Sent};

/// Expired holds and past seats stay this long before TTL may delete them (for support questions).
const TIDY_AFTER: Duration = Duration::days(1);

#[derive(Clone)]
pub struct DynamoStore {
    client: Client,
    table: Arc<str>,
    usage: Arc<Usage>,
}

fn sdk_unavailable<E, R>(error: SdkError<E, R>) -> StoreError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    StoreError::Unavailable(aws_sdk_dynamodb::error::DisplayErrorContext(error).to_string())
}

/// The answer of a conditional write that is only ever made to be done once: its condition
/// failing means an earlier try did it, which is success too.
fn done_unless_unavailable<T, E, R>(result: Result<T, SdkError<E, R>>) -> StoreResult<()>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match result {
        Ok(_) => Ok(()),
        Err(error) if error.code() == Some("ConditionalCheckFailedException") => Ok(()),
        Err(error) => Err(sdk_unavailable(error)),
    }
}

impl DynamoStore {
    pub fn new(client: Client, table: &str) -> Self {
        Self {
            client,
            table: table.into(),
            usage: Arc::new(Usage::default()),
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn table_name(&self) -> &str {
        &self.table
    }

    pub fn usage(&self) -> UsageSnapshot {
        self.usage.snapshot()
    }

    /// Sends a request, recording the capacity it consumed.
    async fn send<R: Metered>(&self, request: R) -> Sent<R> {
        self.usage.send(request).await
    }

    async fn get(&self, key: Item) -> StoreResult<Option<Item>> {
        let request = self
            .client
            .get_item()
            .table_name(self.table.as_ref())
            .set_key(Some(key))
            .consistent_read(true);
        Ok(self.send(request).await.map_err(sdk_unavailable)?.item)
    }

    /// The items of `keys` that exist, in no order: BatchGetItem, 100 keys a request, unprocessed
    /// keys asked again.
    async fn batch_get(&self, keys: Vec<Item>, consistent: bool) -> StoreResult<Vec<Item>> {
        let mut found = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(100) {
            let mut request_items = Some(std::collections::HashMap::from([(
                self.table.to_string(),
                aws_sdk_dynamodb::types::KeysAndAttributes::builder()
                    .set_keys(Some(chunk.to_vec()))
                    .consistent_read(consistent)
                    .build()
                    .map_err(crate::unavailable)?,
            )]));
            while let Some(items) = request_items.take().filter(|items| !items.is_empty()) {
                let request = self.client.batch_get_item().set_request_items(Some(items));
                let output = self.send(request).await.map_err(sdk_unavailable)?;
                found.extend(output.responses.unwrap_or_default().into_values().flatten());
                request_items = output.unprocessed_keys;
            }
        }
        Ok(found)
    }

    /// A request to put `item`, alone.
    fn put_item(&self, item: Item) -> PutItemFluentBuilder {
        self.client
            .put_item()
            .table_name(self.table.as_ref())
            .set_item(Some(item))
    }

    /// A query on the table, to be completed.
    fn query(&self) -> QueryFluentBuilder {
        self.client.query().table_name(self.table.as_ref())
    }

    /// Every item a query finds, page after page.
    async fn query_all(&self, query: QueryFluentBuilder) -> StoreResult<Vec<Item>> {
        let mut items = Vec::new();
        let mut start_key = None;
        loop {
            let page = query.clone().set_exclusive_start_key(start_key);
            let output = self.send(page).await.map_err(sdk_unavailable)?;
            items.extend(output.items.unwrap_or_default());
            start_key = output.last_evaluated_key;
            if start_key.is_none() {
                return Ok(items);
            }
        }
    }

    /// Every item of a partition (paginated).
    async fn query_partition(&self, pk: &str, consistent: bool) -> StoreResult<Vec<Item>> {
        let query = self
            .query()
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(pk))
            .consistent_read(consistent);
        self.query_all(query).await
    }

    /// A put in a transaction.
    fn put(&self, item: Item) -> PutBuilder {
        Put::builder()
            .table_name(self.table.as_ref())
            .set_item(Some(item))
    }

    /// An update in a transaction.
    fn update(&self, key: Item, expression: &str) -> UpdateBuilder {
        Update::builder()
            .table_name(self.table.as_ref())
            .set_key(Some(key))
            .update_expression(expression)
    }

    /// A delete in a transaction.
    fn delete(&self, key: Item) -> DeleteBuilder {
        Delete::builder()
            .table_name(self.table.as_ref())
            .set_key(Some(key))
    }

    /// The booking `id` as it is at `now`, with the keys of its seat and quota items.
    async fn record(&self, id: &BookingId, now: DateTime<Utc>) -> StoreResult<Record> {
        let item = self.get(booking_key(id)).await?.ok_or(StoreError::NotFound)?;
        let person = match self.get(person_key(id)).await? {
            Some(person) => person_from_item(&person, now)?,
            None => None,
        };
        record_from_item(&item, person, now)
    }

    /// The booking a link code points to, when the code was made for that purpose.
    async fn booking_id_by_code(&self, code: &TokenHash, purpose: CodePurpose) -> StoreResult<BookingId> {
        let item = self.get(code_key(code)).await?.ok_or(StoreError::NotFound)?;
        let stored = text(&item, "purpose")?;
        if CodePurpose::parse(stored).ok_or_else(|| corrupt("code purpose", stored))? != purpose {
            return Err(StoreError::NotFound);
        }
        stored_booking_id(text(&item, "booking")?)
    }
}
