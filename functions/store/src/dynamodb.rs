//! The AWS store: one DynamoDB table (defined once, in `infra/dynamodb/table.json`).
//!
//! A slot of capacity *c* is *c* seat items (`pk = SEAT#office#service#date`, `sk = HH:MM#seat`).
//! A hold is a conditional put on a seat: `attribute_not_exists(pk) OR expires_at <= :now`, so an
//! expired seat is free the instant it expires and TTL only tidies up. Every later change is a
//! transaction that re-checks, in its conditions, what it read; when a condition fails the change
//! is read and decided again, so a racing request gets the same outcome as a later one would.
//! Per-contact quotas are seats too: `QUOTA#contact-key` items `ACTIVE#k` and
//! `DAY#service#date#k`, claimed in the same transaction as the booking. No Scan anywhere.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::builders::{DeleteBuilder, PutBuilder, UpdateBuilder};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, ConditionCheck, ConsumedCapacity, Delete,
    GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection, ProjectionType, Put, ReturnConsumedCapacity,
    ScalarAttributeType, StreamSpecification, StreamViewType, TimeToLiveSpecification, TransactWriteItem,
    Update,
};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use prenota_core::catalogue::Lang;
use prenota_core::contact::Contact;
use prenota_core::dates::{format_date, format_time, parse_date, parse_time};
use prenota_core::lifecycle::{Event, StoredState, Transition, TransitionError, apply};
use prenota_core::quota::QuotaExceeded;
use prenota_core::text::{Details, PersonName};
use prenota_core::{
    BookingState, Catalogue, ContactKey, OfferingKey, OfficeId, ServiceId, ShortCode, TokenHash,
};
use serde::Deserialize;

use crate::{
    Booking, BookingStore, CatalogueStore, Delivery, DetailsRequest, FEEDBACK_KEEP, FeedbackEntry,
    FeedbackStore, HoldRequest, OutboxEntry, OutboxMessage, OutboxStore, Outcome, Person, SeatStore,
    StoreError, StoreResult, TakenSeats, feedback_kept, from_millis, millis, stored_feedback,
};

/// The table definition, in CloudFormation's property names.
pub const TABLE_DEFINITION: &str = include_str!("../../../infra/dynamodb/table.json");
/// The one GSI, overloaded: `CONTACT#key` (bookings of a contact) and `OUTBOX#PENDING` (messages to send).
pub const GSI: &str = "gsi1";

/// How often a transaction is read, decided and tried again when a racing request got there first.
const MAX_ATTEMPTS: usize = 12;
/// Expired holds and past seats stay this long before TTL may delete them (for support questions).
const TIDY_AFTER: Duration = Duration::days(1);

type Item = HashMap<String, AttributeValue>;

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

/// Requests sent and capacity consumed, as DynamoDB reports it (`ReturnConsumedCapacity`).
#[derive(Debug, Default)]
pub struct Usage {
    requests: AtomicU64,
    read_milli_units: AtomicU64,
    write_milli_units: AtomicU64,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct UsageSnapshot {
    pub requests: u64,
    pub read_units: f64,
    pub write_units: f64,
}

impl Usage {
    fn record<'a>(&self, consumed: impl IntoIterator<Item = &'a ConsumedCapacity>) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        for capacity in consumed {
            let read = capacity.read_capacity_units().unwrap_or(0.0);
            let write = capacity.write_capacity_units().unwrap_or(0.0);
            let total = capacity.capacity_units().unwrap_or(0.0);
            // DynamoDB Local reports only the total; the operation tells which kind it is.
            let (read, write) = if read == 0.0 && write == 0.0 {
                (total, 0.0)
            } else {
                (read, write)
            };
            self.read_milli_units
                .fetch_add((read * 1000.0) as u64, Ordering::Relaxed);
            self.write_milli_units
                .fetch_add((write * 1000.0) as u64, Ordering::Relaxed);
        }
    }

    fn record_write<'a>(&self, consumed: impl IntoIterator<Item = &'a ConsumedCapacity>) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        for capacity in consumed {
            let units = capacity
                .write_capacity_units()
                .or(capacity.capacity_units())
                .unwrap_or(0.0);
            self.write_milli_units
                .fetch_add((units * 1000.0) as u64, Ordering::Relaxed);
        }
    }

    pub fn snapshot(&self) -> UsageSnapshot {
        UsageSnapshot {
            requests: self.requests.load(Ordering::Relaxed),
            read_units: self.read_milli_units.load(Ordering::Relaxed) as f64 / 1000.0,
            write_units: self.write_milli_units.load(Ordering::Relaxed) as f64 / 1000.0,
        }
    }
}

#[derive(Clone)]
pub struct DynamoStore {
    client: Client,
    table: Arc<str>,
    usage: Arc<Usage>,
}

fn unavailable(error: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(error.to_string())
}

fn sdk_unavailable<E, R>(error: SdkError<E, R>) -> StoreError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    StoreError::Unavailable(aws_sdk_dynamodb::error::DisplayErrorContext(error).to_string())
}

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

fn n(value: i64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

fn epoch_seconds(instant: DateTime<Utc>) -> i64 {
    instant.timestamp()
}

fn key(pk: String, sk: &str) -> Item {
    HashMap::from([("pk".to_owned(), s(pk)), ("sk".to_owned(), s(sk))])
}

fn seat_pk(offering: &OfferingKey, date: NaiveDate) -> String {
    format!(
        "SEAT#{}#{}#{}",
        offering.office,
        offering.service,
        format_date(date)
    )
}

fn seat_sk(start: NaiveTime, seat: u32) -> String {
    format!("{}#{seat:03}", format_time(start))
}

fn booking_key(id: &str) -> Item {
    key(format!("BOOKING#{id}"), "BOOKING")
}

fn code_key(code: &TokenHash) -> Item {
    key(format!("CODE#{}", code.to_hex()), "CODE")
}

fn person_key(id: &str) -> Item {
    key(format!("PERSON#{id}"), "PERSON")
}

fn quota_pk(contact: &ContactKey) -> String {
    format!("QUOTA#{}", contact.as_str())
}

fn catalogue_key() -> Item {
    key("CATALOGUE".to_owned(), "CURRENT")
}

fn text<'a>(item: &'a Item, name: &str) -> StoreResult<&'a str> {
    match item.get(name) {
        Some(AttributeValue::S(value)) => Ok(value),
        _ => Err(StoreError::Corrupt(format!(
            "attribute {name} is missing or not a string"
        ))),
    }
}

fn optional_text<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    match item.get(name) {
        Some(AttributeValue::S(value)) => Some(value),
        _ => None,
    }
}

fn optional_number(item: &Item, name: &str) -> StoreResult<Option<i64>> {
    match item.get(name) {
        None | Some(AttributeValue::Null(_)) => Ok(None),
        Some(AttributeValue::N(value)) => value
            .parse()
            .map(Some)
            .map_err(|_| StoreError::Corrupt(format!("attribute {name} is not an integer"))),
        Some(_) => Err(StoreError::Corrupt(format!("attribute {name} is not a number"))),
    }
}

fn number(item: &Item, name: &str) -> StoreResult<i64> {
    optional_number(item, name)?.ok_or_else(|| StoreError::Corrupt(format!("attribute {name} is missing")))
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_owned())
}

/// Is a seat or quota item free at `now`? The same rule as the conditions that claim them.
fn item_is_free(item: Option<&Item>, now: DateTime<Utc>) -> StoreResult<bool> {
    match item {
        None => Ok(true),
        Some(item) => {
            Ok(optional_number(item, "expires_at")?.is_some_and(|deadline| deadline <= millis(now)))
        }
    }
}

const CLAIM_FREE: &str = "attribute_not_exists(pk) OR expires_at <= :now";

/// The stored booking record, with what transactions need to find its other items.
struct Record {
    booking: Booking,
    seat_pk: String,
    seat_sk: String,
    quota_items: Vec<Item>,
}

/// One read-decide-write round's decision.
enum Decision<T> {
    Done(T),
    Write(Vec<TransactWriteItem>, T),
}

impl DynamoStore {
    pub fn new(client: Client, table: &str) -> Self {
        Self {
            client,
            table: table.into(),
            usage: Arc::new(Usage::default()),
        }
    }

    /// The answer of a conditional write that is only ever made to be done once: its condition
    /// failing means an earlier try did it, which is success too.
    fn done_unless_unavailable<E, R>(&self, result: Result<(), SdkError<E, R>>) -> StoreResult<()>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        match result {
            Ok(()) => Ok(()),
            Err(error) if error.code() == Some("ConditionalCheckFailedException") => Ok(()),
            Err(error) => Err(sdk_unavailable(error)),
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

    async fn get(&self, key: Item) -> StoreResult<Option<Item>> {
        let output = self
            .client
            .get_item()
            .table_name(self.table.as_ref())
            .set_key(Some(key))
            .consistent_read(true)
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await
            .map_err(sdk_unavailable)?;
        self.usage.record(output.consumed_capacity());
        Ok(output.item)
    }

    /// Every item of a partition (paginated), optionally of one sort-key prefix.
    async fn query_partition(&self, pk: &str, consistent: bool) -> StoreResult<Vec<Item>> {
        let mut items = Vec::new();
        let mut start_key = None;
        loop {
            let output = self
                .client
                .query()
                .table_name(self.table.as_ref())
                .key_condition_expression("pk = :pk")
                .expression_attribute_values(":pk", s(pk))
                .consistent_read(consistent)
                .set_exclusive_start_key(start_key)
                .return_consumed_capacity(ReturnConsumedCapacity::Total)
                .send()
                .await
                .map_err(sdk_unavailable)?;
            self.usage.record(output.consumed_capacity());
            items.extend(output.items.unwrap_or_default());
            start_key = output.last_evaluated_key;
            if start_key.is_none() {
                return Ok(items);
            }
        }
    }

    fn put(&self, item: Item) -> PutBuilder {
        Put::builder()
            .table_name(self.table.as_ref())
            .set_item(Some(item))
    }

    fn update(&self, key: Item, expression: &str) -> UpdateBuilder {
        Update::builder()
            .table_name(self.table.as_ref())
            .set_key(Some(key))
            .update_expression(expression)
    }

    fn delete(&self, key: Item) -> DeleteBuilder {
        Delete::builder()
            .table_name(self.table.as_ref())
            .set_key(Some(key))
    }

    /// Reads, decides and writes until the write goes through or the decision needs no write.
    /// A cancelled transaction means another request changed something it read: decide again.
    async fn decide_and_write<T, F>(&self, mut decide: F) -> StoreResult<T>
    where
        F: AsyncDecide<T>,
    {
        for _ in 0..MAX_ATTEMPTS {
            match decide.decide(self).await? {
                Decision::Done(value) => return Ok(value),
                Decision::Write(items, value) => {
                    let result = self
                        .client
                        .transact_write_items()
                        .set_transact_items(Some(items))
                        .return_consumed_capacity(ReturnConsumedCapacity::Total)
                        .send()
                        .await;
                    match result {
                        Ok(output) => {
                            self.usage.record_write(output.consumed_capacity());
                            return Ok(value);
                        }
                        Err(error) if is_cancelled(&error) => {
                            self.usage.record_write(std::iter::empty());
                        }
                        Err(error) => return Err(sdk_unavailable(error)),
                    }
                }
            }
        }
        Err(StoreError::Unavailable(
            "too many concurrent changes to one booking".into(),
        ))
    }

    async fn record(&self, id: &str, now: DateTime<Utc>) -> StoreResult<Record> {
        let item = self.get(booking_key(id)).await?.ok_or(StoreError::NotFound)?;
        let person = match self.get(person_key(id)).await? {
            Some(person) => person_from_item(&person, now)?,
            None => None,
        };
        record_from_item(&item, person, now)
    }

    /// The booking a link code points to, when the code was made for that purpose.
    async fn booking_id_by_code(&self, code: &TokenHash, purpose: &str) -> StoreResult<String> {
        let item = self.get(code_key(code)).await?.ok_or(StoreError::NotFound)?;
        if text(&item, "purpose")? != purpose {
            return Err(StoreError::NotFound);
        }
        Ok(text(&item, "booking")?.to_owned())
    }
}

/// An async closure that reads and decides (stable Rust has no async closures returning borrows).
#[async_trait]
trait AsyncDecide<T>: Send {
    async fn decide(&mut self, store: &DynamoStore) -> StoreResult<Decision<T>>;
}

fn is_cancelled<R>(
    error: &SdkError<aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError, R>,
) -> bool {
    error
        .as_service_error()
        .is_some_and(|e| e.is_transaction_canceled_exception())
}

fn person_from_item(item: &Item, now: DateTime<Utc>) -> StoreResult<Option<Person>> {
    // TTL deletes up to days late: personal data past its erasure time is treated as gone.
    if optional_number(item, "ttl")?.is_some_and(|ttl| ttl <= epoch_seconds(now)) {
        return Ok(None);
    }
    let details = optional_text(item, "details")
        .map(Details::parse)
        .transpose()
        .map_err(|_| corrupt("details"))?;
    Ok(Some(Person {
        name: PersonName::parse(text(item, "name")?).map_err(|_| corrupt("name"))?,
        surname: PersonName::parse(text(item, "surname")?).map_err(|_| corrupt("surname"))?,
        contact: Contact::parse(text(item, "contact")?).map_err(|_| corrupt("contact"))?,
        details: details.flatten(),
        lang: Lang::parse(text(item, "lang")?).ok_or_else(|| corrupt("lang"))?,
    }))
}

fn record_from_item(item: &Item, person: Option<Person>, now: DateTime<Utc>) -> StoreResult<Record> {
    let stored = StoredState::parse(text(item, "state")?).ok_or_else(|| corrupt("state"))?;
    let expires_at = optional_number(item, "expires_at")?
        .map(from_millis)
        .transpose()?;
    let booking = Booking {
        id: text(item, "id")?.to_owned(),
        offering: OfferingKey {
            office: OfficeId::parse(text(item, "office")?).map_err(|_| corrupt("office"))?,
            service: ServiceId::parse(text(item, "service")?).map_err(|_| corrupt("service"))?,
        },
        date: parse_date(text(item, "date")?).map_err(|_| corrupt("date"))?,
        start: parse_time(text(item, "start")?).map_err(|_| corrupt("start"))?,
        end: parse_time(text(item, "end")?).map_err(|_| corrupt("end"))?,
        starts_at: from_millis(number(item, "starts_at")?)?,
        ends_at: from_millis(number(item, "ends_at")?)?,
        state: BookingState::at(stored, expires_at, now),
        expires_at,
        short_code: optional_text(item, "short_code")
            .map(|code| ShortCode::parse(code).map_err(|_| corrupt("short_code")))
            .transpose()?,
        person,
    };
    let quota_items = ["quota_active_sk", "quota_day_sk"]
        .iter()
        .filter_map(|name| {
            let sk = optional_text(item, name)?;
            let pk = optional_text(item, "contact_key")
                .map(|k| quota_pk(&ContactKey::from_stored(k.to_owned())))?;
            Some(key(pk, sk))
        })
        .collect();
    Ok(Record {
        booking,
        seat_pk: text(item, "seat_pk")?.to_owned(),
        seat_sk: text(item, "seat_sk")?.to_owned(),
        quota_items,
    })
}

fn transition(record: &Record, event: Event, now: DateTime<Utc>) -> StoreResult<Transition> {
    Ok(apply(record.booking.state, event, record.booking.starts_at, now)?)
}

fn tx_put(put: PutBuilder) -> StoreResult<TransactWriteItem> {
    Ok(TransactWriteItem::builder()
        .put(put.build().map_err(unavailable)?)
        .build())
}

fn tx_update(update: UpdateBuilder) -> StoreResult<TransactWriteItem> {
    Ok(TransactWriteItem::builder()
        .update(update.build().map_err(unavailable)?)
        .build())
}

fn tx_delete(delete: DeleteBuilder) -> StoreResult<TransactWriteItem> {
    Ok(TransactWriteItem::builder()
        .delete(delete.build().map_err(unavailable)?)
        .build())
}

#[async_trait]
impl CatalogueStore for DynamoStore {
    async fn put_catalogue(&self, catalogue: &Catalogue) -> StoreResult<()> {
        let mut item = catalogue_key();
        item.insert("json".into(), s(catalogue.to_json()));
        item.insert("updated_at".into(), n(millis(Utc::now())));
        let output = self
            .client
            .put_item()
            .table_name(self.table.as_ref())
            .set_item(Some(item))
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await
            .map_err(sdk_unavailable)?;
        self.usage.record_write(output.consumed_capacity());
        Ok(())
    }

    async fn catalogue(&self) -> StoreResult<Option<Catalogue>> {
        let Some(item) = self.get(catalogue_key()).await? else {
            return Ok(None);
        };
        Catalogue::from_json("dynamodb catalogue", text(&item, "json")?)
            .map(Some)
            .map_err(|e| StoreError::Corrupt(e.to_string()))
    }
}

#[async_trait]
impl SeatStore for DynamoStore {
    async fn taken_seats(
        &self,
        offering: &OfferingKey,
        dates: &[NaiveDate],
        now: DateTime<Utc>,
    ) -> StoreResult<BTreeMap<NaiveDate, TakenSeats>> {
        // One Query per day, on one partition each, sent together.
        let days = futures::future::try_join_all(dates.iter().map(|date| async move {
            let items = self.query_partition(&seat_pk(offering, *date), false).await?;
            let mut taken = BTreeMap::new();
            for item in &items {
                let stored = StoredState::parse(text(item, "state")?).ok_or_else(|| corrupt("seat state"))?;
                let expires_at = optional_number(item, "expires_at")?
                    .map(from_millis)
                    .transpose()?;
                if BookingState::at(stored, expires_at, now).occupies_seat() {
                    let sk = text(item, "sk")?;
                    let start = sk
                        .split('#')
                        .next()
                        .and_then(|t| parse_time(t).ok())
                        .ok_or_else(|| corrupt("seat sk"))?;
                    *taken.entry(start).or_default() += 1;
                }
            }
            Ok::<_, StoreError>((*date, taken))
        }))
        .await?;
        Ok(days
            .into_iter()
            .filter(|(_, taken)| !taken.is_empty())
            .map(|(date, taken)| (date, TakenSeats::new(taken)))
            .collect())
    }

    async fn hold(&self, request: &HoldRequest, now: DateTime<Utc>) -> StoreResult<()> {
        let id = request.hold.to_hex();
        let slot = &request.slot;
        let pk = seat_pk(&request.offering, slot.date);
        let ttl = epoch_seconds(request.expires_at + TIDY_AFTER);
        // Racers start at different seats (the hold id is random), so they rarely collide.
        let capacity = request.capacity.max(1);
        let first = u32::from_str_radix(&id[..8], 16).unwrap_or(0) % capacity;
        let mut claimed = None;
        for offset in 0..capacity {
            let sk = seat_sk(slot.start, (first + offset) % capacity);
            let mut item = key(pk.clone(), &sk);
            item.insert("hold".into(), s(&id));
            item.insert("state".into(), s(StoredState::Held.as_str()));
            item.insert("expires_at".into(), n(millis(request.expires_at)));
            item.insert("ttl".into(), n(ttl));
            let result = self
                .client
                .put_item()
                .table_name(self.table.as_ref())
                .set_item(Some(item))
                .condition_expression(CLAIM_FREE)
                .expression_attribute_values(":now", n(millis(now)))
                .return_consumed_capacity(ReturnConsumedCapacity::Total)
                .send()
                .await;
            match result {
                Ok(output) => {
                    self.usage.record_write(output.consumed_capacity());
                    claimed = Some(sk);
                    break;
                }
                Err(error)
                    if error
                        .as_service_error()
                        .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
                {
                    self.usage.record_write(std::iter::empty());
                }
                Err(error) => return Err(sdk_unavailable(error)),
            }
        }
        let Some(sk) = claimed else {
            return Err(StoreError::SlotTaken);
        };
        let mut record = booking_key(&id);
        for (name, value) in [
            ("id", s(&id)),
            ("office", s(request.offering.office.as_str())),
            ("service", s(request.offering.service.as_str())),
            ("date", s(format_date(slot.date))),
            ("start", s(format_time(slot.start))),
            ("end", s(format_time(slot.end))),
            ("starts_at", n(millis(slot.starts_at))),
            ("ends_at", n(millis(slot.ends_at))),
            ("state", s(StoredState::Held.as_str())),
            ("expires_at", n(millis(request.expires_at))),
            ("seat_pk", s(&pk)),
            ("seat_sk", s(&sk)),
            ("created_at", n(millis(now))),
            ("ttl", n(ttl)),
        ] {
            record.insert(name.into(), value);
        }
        let written = self
            .client
            .put_item()
            .table_name(self.table.as_ref())
            .set_item(Some(record))
            .condition_expression("attribute_not_exists(pk)")
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await;
        match written {
            Ok(output) => {
                self.usage.record_write(output.consumed_capacity());
                Ok(())
            }
            Err(error) => {
                // Give the seat back rather than leave it held by a hold nobody can name; if this
                // fails too, the seat frees itself when the hold expires.
                let _ = self
                    .client
                    .delete_item()
                    .table_name(self.table.as_ref())
                    .set_key(Some(key(pk, &sk)))
                    .condition_expression("#hold = :hold")
                    .expression_attribute_names("#hold", "hold")
                    .expression_attribute_values(":hold", s(&id))
                    .send()
                    .await;
                Err(sdk_unavailable(error))
            }
        }
    }

    async fn release(&self, hold: &TokenHash, now: DateTime<Utc>) -> StoreResult<()> {
        struct Release(String, DateTime<Utc>);
        #[async_trait]
        impl AsyncDecide<()> for Release {
            async fn decide(&mut self, store: &DynamoStore) -> StoreResult<Decision<()>> {
                let (id, now) = (&self.0, self.1);
                let record = store.record(id, now).await?;
                let Transition::To(state) = transition(&record, Event::Release, now)? else {
                    return Ok(Decision::Done(()));
                };
                let items = vec![
                    tx_update(
                        store
                            .update(booking_key(id), "SET #state = :state REMOVE expires_at")
                            .condition_expression("#state = :held AND expires_at > :now")
                            .expression_attribute_names("#state", "state")
                            .expression_attribute_values(":state", s(state.as_str()))
                            .expression_attribute_values(":held", s(StoredState::Held.as_str()))
                            .expression_attribute_values(":now", n(millis(now))),
                    )?,
                    release_seat(store, &record, id)?,
                ];
                Ok(Decision::Write(items, ()))
            }
        }
        self.decide_and_write(Release(hold.to_hex(), now)).await
    }
}

fn feedback_pk(day: NaiveDate) -> String {
    format!("FEEDBACK#{}", format_date(day))
}

#[async_trait]
impl FeedbackStore for DynamoStore {
    async fn record_feedback(&self, entry: &FeedbackEntry) -> StoreResult<()> {
        let mut item = key(feedback_pk(entry.day), &entry.id);
        let feedback = &entry.feedback;
        item.insert("rating".into(), n(i64::from(feedback.rating.get())));
        if let Some(reason) = &feedback.reason {
            item.insert("reason".into(), s(reason.as_str()));
        }
        item.insert("lang".into(), s(feedback.lang.as_str()));
        let gone = (entry.day + FEEDBACK_KEEP).and_time(NaiveTime::MIN).and_utc();
        item.insert("ttl".into(), n(epoch_seconds(gone)));
        let output = self
            .client
            .put_item()
            .table_name(self.table.as_ref())
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await;
        self.done_unless_unavailable(output.map(|output| self.usage.record_write(output.consumed_capacity())))
    }

    async fn feedback_of_day(&self, day: NaiveDate, now: DateTime<Utc>) -> StoreResult<Vec<FeedbackEntry>> {
        // TTL deletes up to days late: the read decides what is gone.
        if !feedback_kept(day, now) {
            return Ok(Vec::new());
        }
        self.query_partition(&feedback_pk(day), false)
            .await?
            .iter()
            .map(|item| {
                Ok(FeedbackEntry {
                    id: text(item, "sk")?.to_owned(),
                    day,
                    feedback: stored_feedback(
                        number(item, "rating")?,
                        optional_text(item, "reason"),
                        text(item, "lang")?,
                    )?,
                })
            })
            .collect()
    }
}

/// How long a message stays in the table after it was queued (TTL tidies it up).
const OUTBOX_KEEP: Duration = Duration::days(30);
const PENDING_MESSAGES: &str = "OUTBOX#PENDING";

fn outbox_key(id: &str) -> Item {
    key(format!("OUTBOX#{id}"), "OUTBOX")
}

/// A message's item; it sits in the GSI's `OUTBOX#PENDING` partition until delivered.
fn outbox_item(message: &OutboxMessage) -> Item {
    let mut item = outbox_key(&message.id);
    let created = millis(message.created_at);
    for (name, value) in [
        ("id", s(&message.id)),
        ("kind", s(&message.kind)),
        ("channel", s(&message.channel)),
        ("recipient", s(&message.recipient)),
        ("payload", s(&message.payload)),
        ("created_at", n(created)),
        ("delivery", s(Delivery::Pending.as_str())),
        ("gsi1pk", s(PENDING_MESSAGES)),
        ("gsi1sk", s(format!("{created:015}#{}", message.id))),
        ("ttl", n(epoch_seconds(message.created_at + OUTBOX_KEEP))),
    ] {
        item.insert(name.into(), value);
    }
    item
}

fn queue(store: &DynamoStore, messages: &[OutboxMessage]) -> StoreResult<Vec<TransactWriteItem>> {
    messages
        .iter()
        .map(|message| {
            tx_put(
                store
                    .put(outbox_item(message))
                    .condition_expression("attribute_not_exists(pk)"),
            )
        })
        .collect()
}

fn outbox_entry(item: &Item) -> StoreResult<OutboxEntry> {
    Ok(OutboxEntry {
        message: OutboxMessage {
            id: text(item, "id")?.to_owned(),
            kind: text(item, "kind")?.to_owned(),
            channel: text(item, "channel")?.to_owned(),
            recipient: optional_text(item, "recipient").unwrap_or_default().to_owned(),
            payload: optional_text(item, "payload").unwrap_or_default().to_owned(),
            created_at: from_millis(number(item, "created_at")?)?,
        },
        delivery: Delivery::parse(text(item, "delivery")?).ok_or_else(|| corrupt("delivery"))?,
        detail: optional_text(item, "detail").map(str::to_owned),
    })
}

#[async_trait]
impl OutboxStore for DynamoStore {
    async fn enqueue(&self, message: &OutboxMessage) -> StoreResult<()> {
        let output = self
            .client
            .put_item()
            .table_name(self.table.as_ref())
            .set_item(Some(outbox_item(message)))
            .condition_expression("attribute_not_exists(pk)")
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await;
        // Already queued under this id: a retry, kept as it is.
        self.done_unless_unavailable(output.map(|output| self.usage.record_write(output.consumed_capacity())))
    }

    async fn pending_messages(&self, limit: usize) -> StoreResult<Vec<OutboxEntry>> {
        let output = self
            .client
            .query()
            .table_name(self.table.as_ref())
            .index_name(GSI)
            .key_condition_expression("gsi1pk = :pending")
            .expression_attribute_values(":pending", s(PENDING_MESSAGES))
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await
            .map_err(sdk_unavailable)?;
        self.usage.record(output.consumed_capacity());
        output.items().iter().map(outbox_entry).collect()
    }

    async fn message(&self, id: &str) -> StoreResult<OutboxEntry> {
        let item = self.get(outbox_key(id)).await?.ok_or(StoreError::NotFound)?;
        outbox_entry(&item)
    }

    async fn mark_delivery(
        &self,
        id: &str,
        delivery: Delivery,
        detail: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let result = self
            .client
            .update_item()
            .table_name(self.table.as_ref())
            .set_key(Some(outbox_key(id)))
            .update_expression(
                // Delivered, the text and recipient have served their purpose: what stays until
                // TTL (kind, channel, delivery) is anonymous.
                "SET delivery = :delivery, detail = :detail, delivered_at = :now \
                 REMOVE gsi1pk, gsi1sk, payload, recipient",
            )
            .condition_expression("delivery = :pending")
            .expression_attribute_values(":delivery", s(delivery.as_str()))
            .expression_attribute_values(":detail", s(detail))
            .expression_attribute_values(":now", n(millis(now)))
            .expression_attribute_values(":pending", s(Delivery::Pending.as_str()))
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await;
        // No longer pending: marked by an earlier try.
        self.done_unless_unavailable(result.map(|output| self.usage.record_write(output.consumed_capacity())))
    }
}

/// Deletes the booking's seat item if it is still the booking's.
fn release_seat(store: &DynamoStore, record: &Record, id: &str) -> StoreResult<TransactWriteItem> {
    tx_delete(
        store
            .delete(key(record.seat_pk.clone(), &record.seat_sk))
            .condition_expression("attribute_not_exists(pk) OR #hold = :id")
            .expression_attribute_names("#hold", "hold")
            .expression_attribute_values(":id", s(id)),
    )
}

/// Deletes the booking's quota items if they are still the booking's.
fn release_quota(store: &DynamoStore, record: &Record, id: &str) -> StoreResult<Vec<TransactWriteItem>> {
    record
        .quota_items
        .iter()
        .map(|quota_key| {
            tx_delete(
                store
                    .delete(quota_key.clone())
                    .condition_expression("attribute_not_exists(pk) OR booking = :id")
                    .expression_attribute_values(":id", s(id)),
            )
        })
        .collect()
}

/// The first of `count` quota seats (`{prefix}{k}`) free at `now`.
fn free_quota_seat(
    items: &HashMap<String, Item>,
    prefix: &str,
    count: u32,
    now: DateTime<Utc>,
) -> StoreResult<Option<String>> {
    for k in 0..count {
        let sk = format!("{prefix}{k}");
        if item_is_free(items.get(&sk), now)? {
            return Ok(Some(sk));
        }
    }
    Ok(None)
}

#[async_trait]
impl BookingStore for DynamoStore {
    async fn booking_by_hold(&self, hold: &TokenHash, now: DateTime<Utc>) -> StoreResult<Booking> {
        Ok(self.record(&hold.to_hex(), now).await?.booking)
    }

    async fn submit_details(&self, request: &DetailsRequest, now: DateTime<Utc>) -> StoreResult<Booking> {
        struct Submit<'a>(&'a DetailsRequest, DateTime<Utc>);
        #[async_trait]
        impl AsyncDecide<String> for Submit<'_> {
            async fn decide(&mut self, store: &DynamoStore) -> StoreResult<Decision<String>> {
                let (request, now) = (self.0, self.1);
                let id = request.hold.to_hex();
                let record = store.record(&id, now).await?;
                let state = match transition(&record, Event::SubmitDetails, now)? {
                    Transition::To(state) => state,
                    Transition::AlreadyDone => return Err(TransitionError::AlreadySubmitted.into()),
                };
                let booking = &record.booking;
                let contact_pk = quota_pk(&request.contact_key);
                let quota: HashMap<String, Item> = store
                    .query_partition(&contact_pk, true)
                    .await?
                    .into_iter()
                    .filter_map(|item| Some((optional_text(&item, "sk")?.to_owned(), item)))
                    .collect();
                let active_sk = free_quota_seat(&quota, "ACTIVE#", request.quota.max_active, now)?
                    .ok_or(StoreError::Quota(QuotaExceeded::Active))?;
                let day_prefix = format!("DAY#{}#{}#", booking.offering.service, format_date(booking.date));
                let day_sk = free_quota_seat(&quota, &day_prefix, request.quota.max_per_service_day, now)?
                    .ok_or(StoreError::Quota(QuotaExceeded::ServiceDay))?;
                let short_code = ShortCode::generate().map_err(unavailable)?;
                let deadline = n(millis(request.confirm_by));
                let ttl = n(epoch_seconds(request.confirm_by + TIDY_AFTER));

                let mut items = vec![
                    tx_update(
                        store
                            .update(
                                booking_key(&id),
                                "SET #state = :state, expires_at = :deadline, #ttl = :ttl, short_code = :short, \
                                 confirm_code = :confirm, contact_key = :contact, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk, \
                                 quota_active_sk = :active, quota_day_sk = :day",
                            )
                            .condition_expression("#state = :held AND expires_at > :now")
                            .expression_attribute_names("#state", "state")
                            .expression_attribute_names("#ttl", "ttl")
                            .expression_attribute_values(":state", s(state.as_str()))
                            .expression_attribute_values(":held", s(StoredState::Held.as_str()))
                            .expression_attribute_values(":now", n(millis(now)))
                            .expression_attribute_values(":deadline", deadline.clone())
                            .expression_attribute_values(":ttl", ttl.clone())
                            .expression_attribute_values(":short", s(short_code.as_str()))
                            .expression_attribute_values(":confirm", s(request.confirm_code.to_hex()))
                            .expression_attribute_values(":contact", s(request.contact_key.as_str()))
                            .expression_attribute_values(":gsi1pk", s(format!("CONTACT#{}", request.contact_key.as_str())))
                            .expression_attribute_values(
                                ":gsi1sk",
                                s(format!("{}#{}#{id}", format_date(booking.date), format_time(booking.start))),
                            )
                            .expression_attribute_values(":active", s(&active_sk))
                            .expression_attribute_values(":day", s(&day_sk)))?,
                    tx_update(
                        store
                            .update(key(record.seat_pk.clone(), &record.seat_sk), "SET #state = :state, expires_at = :deadline, #ttl = :ttl")
                            .condition_expression("#hold = :id")
                            .expression_attribute_names("#state", "state")
                            .expression_attribute_names("#ttl", "ttl")
                            .expression_attribute_names("#hold", "hold")
                            .expression_attribute_values(":state", s(state.as_str()))
                            .expression_attribute_values(":deadline", deadline.clone())
                            .expression_attribute_values(":ttl", ttl.clone())
                            .expression_attribute_values(":id", s(&id)))?,
                ];
                for sk in [&active_sk, &day_sk] {
                    let mut quota_item = key(contact_pk.clone(), sk);
                    quota_item.insert("booking".into(), s(&id));
                    quota_item.insert("expires_at".into(), deadline.clone());
                    quota_item.insert("ttl".into(), ttl.clone());
                    items.push(tx_put(
                        store
                            .put(quota_item)
                            .condition_expression(CLAIM_FREE)
                            .expression_attribute_values(":now", n(millis(now))),
                    )?);
                }
                let mut code_item = code_key(&request.confirm_code);
                code_item.insert("booking".into(), s(&id));
                code_item.insert("purpose".into(), s("confirm"));
                let mut short_item = key(format!("SHORT#{}", short_code.as_str()), "SHORT");
                short_item.insert("booking".into(), s(&id));
                for unique in [code_item, short_item] {
                    items.push(tx_put(
                        store.put(unique).condition_expression("attribute_not_exists(pk)"),
                    )?);
                }
                let person = &request.person;
                let mut person_item = person_key(&id);
                person_item.insert("name".into(), s(person.name.as_str()));
                person_item.insert("surname".into(), s(person.surname.as_str()));
                person_item.insert("contact".into(), s(person.contact.address()));
                person_item.insert("lang".into(), s(person.lang.as_str()));
                person_item.insert("ttl".into(), n(epoch_seconds(request.erase_after)));
                if let Some(details) = &person.details {
                    person_item.insert("details".into(), s(details.as_str()));
                }
                items.push(tx_put(store.put(person_item))?);
                items.extend(queue(store, &request.messages)?);
                Ok(Decision::Write(items, id))
            }
        }
        let id = self.decide_and_write(Submit(request, now)).await?;
        Ok(self.record(&id, now).await?.booking)
    }

    async fn booking_by_confirm_code(&self, code: &TokenHash, now: DateTime<Utc>) -> StoreResult<Booking> {
        let id = self.booking_id_by_code(code, "confirm").await?;
        Ok(self.record(&id, now).await?.booking)
    }

    async fn confirm(
        &self,
        code: &TokenHash,
        page_code: &TokenHash,
        messages: &[OutboxMessage],
        now: DateTime<Utc>,
    ) -> StoreResult<Outcome> {
        struct Confirm<'a>(String, TokenHash, &'a [OutboxMessage], DateTime<Utc>);
        #[async_trait]
        impl AsyncDecide<bool> for Confirm<'_> {
            async fn decide(&mut self, store: &DynamoStore) -> StoreResult<Decision<bool>> {
                let (id, page_code, messages, now) = (&self.0, &self.1, self.2, self.3);
                let record = store.record(id, now).await?;
                let Transition::To(state) = transition(&record, Event::Confirm, now)? else {
                    return Ok(Decision::Done(false));
                };
                let ends_at = record.booking.ends_at;
                let seat_ttl = n(epoch_seconds(ends_at + TIDY_AFTER));
                let mut items = vec![
                    tx_update(
                        store
                            .update(
                                booking_key(id),
                                "SET #state = :state, page_code = :page REMOVE expires_at, #ttl",
                            )
                            .condition_expression("#state = :pending AND expires_at > :now")
                            .expression_attribute_names("#state", "state")
                            .expression_attribute_names("#ttl", "ttl")
                            .expression_attribute_values(":state", s(state.as_str()))
                            .expression_attribute_values(":page", s(page_code.to_hex()))
                            .expression_attribute_values(":pending", s(StoredState::Pending.as_str()))
                            .expression_attribute_values(":now", n(millis(now))),
                    )?,
                    tx_update(
                        store
                            .update(
                                key(record.seat_pk.clone(), &record.seat_sk),
                                "SET #state = :state, #ttl = :ttl REMOVE expires_at",
                            )
                            .condition_expression("#hold = :id")
                            .expression_attribute_names("#state", "state")
                            .expression_attribute_names("#ttl", "ttl")
                            .expression_attribute_names("#hold", "hold")
                            .expression_attribute_values(":state", s(state.as_str()))
                            .expression_attribute_values(":ttl", seat_ttl.clone())
                            .expression_attribute_values(":id", s(id)),
                    )?,
                ];
                // A confirmed booking counts against the quota until its appointment ends.
                for quota_key in &record.quota_items {
                    items.push(tx_update(
                        store
                            .update(quota_key.clone(), "SET expires_at = :ends, #ttl = :ttl")
                            .condition_expression("booking = :id")
                            .expression_attribute_names("#ttl", "ttl")
                            .expression_attribute_values(":ends", n(millis(ends_at)))
                            .expression_attribute_values(":ttl", seat_ttl.clone())
                            .expression_attribute_values(":id", s(id)),
                    )?);
                }
                let mut page_item = code_key(page_code);
                page_item.insert("booking".into(), s(id));
                page_item.insert("purpose".into(), s("page"));
                items.push(tx_put(
                    store
                        .put(page_item)
                        .condition_expression("attribute_not_exists(pk)"),
                )?);
                items.extend(queue(store, messages)?);
                Ok(Decision::Write(items, true))
            }
        }
        let id = self.booking_id_by_code(code, "confirm").await?;
        let changed = self
            .decide_and_write(Confirm(id.clone(), *page_code, messages, now))
            .await?;
        Ok(Outcome {
            booking: self.record(&id, now).await?.booking,
            changed,
        })
    }

    async fn booking_by_page_code(&self, code: &TokenHash, now: DateTime<Utc>) -> StoreResult<Booking> {
        let id = self.booking_id_by_code(code, "page").await?;
        Ok(self.record(&id, now).await?.booking)
    }

    async fn issue_page_code(&self, booking_id: &str, code: &TokenHash) -> StoreResult<()> {
        let mut item = code_key(code);
        item.insert("booking".into(), s(booking_id));
        item.insert("purpose".into(), s("page"));
        let result = self
            .client
            .transact_write_items()
            .transact_items(
                TransactWriteItem::builder()
                    .condition_check(
                        ConditionCheck::builder()
                            .table_name(self.table.as_ref())
                            .set_key(Some(booking_key(booking_id)))
                            .condition_expression("attribute_exists(pk)")
                            .build()
                            .map_err(unavailable)?,
                    )
                    .build(),
            )
            .transact_items(tx_put(
                self.put(item).condition_expression("attribute_not_exists(pk)"),
            )?)
            .return_consumed_capacity(ReturnConsumedCapacity::Total)
            .send()
            .await;
        match result {
            Ok(output) => {
                self.usage.record_write(output.consumed_capacity());
                Ok(())
            }
            Err(error) if is_cancelled(&error) => Err(StoreError::NotFound),
            Err(error) => Err(sdk_unavailable(error)),
        }
    }

    async fn cancel(
        &self,
        page_code: &TokenHash,
        messages: &[OutboxMessage],
        now: DateTime<Utc>,
    ) -> StoreResult<Outcome> {
        struct Cancel<'a>(String, &'a [OutboxMessage], DateTime<Utc>);
        #[async_trait]
        impl AsyncDecide<bool> for Cancel<'_> {
            async fn decide(&mut self, store: &DynamoStore) -> StoreResult<Decision<bool>> {
                let (id, messages, now) = (&self.0, self.1, self.2);
                let record = store.record(id, now).await?;
                let Transition::To(state) = transition(&record, Event::Cancel, now)? else {
                    return Ok(Decision::Done(false));
                };
                let mut items = vec![
                    tx_update(
                        store
                            .update(booking_key(id), "SET #state = :state")
                            .condition_expression("#state = :confirmed")
                            .expression_attribute_names("#state", "state")
                            .expression_attribute_values(":state", s(state.as_str()))
                            .expression_attribute_values(":confirmed", s(StoredState::Confirmed.as_str())),
                    )?,
                    release_seat(store, &record, id)?,
                ];
                items.extend(release_quota(store, &record, id)?);
                items.extend(queue(store, messages)?);
                Ok(Decision::Write(items, true))
            }
        }
        let id = self.booking_id_by_code(page_code, "page").await?;
        let changed = self.decide_and_write(Cancel(id.clone(), messages, now)).await?;
        Ok(Outcome {
            booking: self.record(&id, now).await?.booking,
            changed,
        })
    }

    async fn bookings_of_contact(
        &self,
        contact: &ContactKey,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Booking>> {
        let today = prenota_core::calendar::local(now).date();
        let mut ids = Vec::new();
        let mut start_key = None;
        loop {
            let output = self
                .client
                .query()
                .table_name(self.table.as_ref())
                .index_name(GSI)
                .key_condition_expression("gsi1pk = :pk AND gsi1sk >= :today")
                .expression_attribute_values(":pk", s(format!("CONTACT#{}", contact.as_str())))
                .expression_attribute_values(":today", s(format_date(today)))
                .projection_expression("id")
                .set_exclusive_start_key(start_key)
                .return_consumed_capacity(ReturnConsumedCapacity::Total)
                .send()
                .await
                .map_err(sdk_unavailable)?;
            self.usage.record(output.consumed_capacity());
            for item in output.items() {
                ids.push(text(item, "id")?.to_owned());
            }
            start_key = output.last_evaluated_key;
            if start_key.is_none() {
                break;
            }
        }
        let mut bookings = Vec::new();
        for id in ids {
            let booking = self.record(&id, now).await?.booking;
            let active = matches!(booking.state, BookingState::Pending | BookingState::Confirmed);
            if active && booking.ends_at > now {
                bookings.push(booking);
            }
        }
        bookings.sort_by_key(|booking| booking.starts_at);
        Ok(bookings)
    }
}

/// The variable through which the test and benchmark commands give DynamoDB Local's address.
pub const LOCAL_ENDPOINT_VARIABLE: &str = "PRENOTA_DYNAMODB_ENDPOINT";

/// DynamoDB Local's address from [`LOCAL_ENDPOINT_VARIABLE`], or what to do when it is missing.
pub fn local_endpoint() -> Result<String, String> {
    std::env::var(LOCAL_ENDPOINT_VARIABLE).map_err(|_| {
        format!("{LOCAL_ENDPOINT_VARIABLE} is not set: run through tests/run (or tests/bench…), which start DynamoDB Local")
    })
}

/// A store on a new table named `{prefix}-` and 12 random hex digits at `endpoint`, so that every
/// test and benchmark run has a table of its own (tests, benchmarks).
pub async fn fresh_local_store(endpoint: &str, prefix: &str) -> StoreResult<DynamoStore> {
    let client = local_client(endpoint);
    let random = prenota_core::Token::generate()
        .map_err(unavailable)?
        .hash()
        .to_hex();
    let table = format!("{prefix}-{}", &random[..12]);
    create_table(&client, &table).await?;
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
