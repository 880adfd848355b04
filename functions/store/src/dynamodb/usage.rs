//! Requests sent and capacity consumed, as DynamoDB reports it (`ReturnConsumedCapacity`): every
//! request the store sends goes through [`Usage::send`], which asks for the consumed capacity and
//! records it (the figures of the benchmarks and of the cost example).

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};

use aws_sdk_dynamodb::config::http::HttpResponse;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::batch_get_item::builders::BatchGetItemFluentBuilder;
use aws_sdk_dynamodb::operation::batch_get_item::{BatchGetItemError, BatchGetItemOutput};
use aws_sdk_dynamodb::operation::get_item::builders::GetItemFluentBuilder;
use aws_sdk_dynamodb::operation::get_item::{GetItemError, GetItemOutput};
use aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder;
use aws_sdk_dynamodb::operation::put_item::{PutItemError, PutItemOutput};
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::operation::query::{QueryError, QueryOutput};
use aws_sdk_dynamodb::operation::transact_write_items::builders::TransactWriteItemsFluentBuilder;
use aws_sdk_dynamodb::operation::transact_write_items::{TransactWriteItemsError, TransactWriteItemsOutput};
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::operation::update_item::{UpdateItemError, UpdateItemOutput};
use aws_sdk_dynamodb::types::{ConsumedCapacity, ReturnConsumedCapacity};

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

/// The answer of a request: its output, or the SDK's error.
pub(super) type Sent<R> = Result<<R as Metered>::Output, SdkError<<R as Metered>::Error, HttpResponse>>;

/// A request that can ask for its consumed capacity, and whose answer says what it consumed.
pub(super) trait Metered: Sized {
    type Output;
    type Error;

    /// Sends the request with `ReturnConsumedCapacity` = `TOTAL`.
    fn send_total(self) -> impl Future<Output = Sent<Self>> + Send;

    /// Records what a request that succeeded consumed.
    fn record(usage: &Usage, output: &Self::Output);
}

macro_rules! metered {
    ($($builder:ty => $output:ty, $error:ty, $record:ident;)*) => {$(
        impl Metered for $builder {
            type Output = $output;
            type Error = $error;

            fn send_total(self) -> impl Future<Output = Sent<Self>> + Send {
                self.return_consumed_capacity(ReturnConsumedCapacity::Total).send()
            }

            fn record(usage: &Usage, output: &$output) {
                usage.$record(output.consumed_capacity());
            }
        }
    )*};
}

metered! {
    GetItemFluentBuilder => GetItemOutput, GetItemError, record;
    BatchGetItemFluentBuilder => BatchGetItemOutput, BatchGetItemError, record;
    QueryFluentBuilder => QueryOutput, QueryError, record;
    PutItemFluentBuilder => PutItemOutput, PutItemError, record_write;
    UpdateItemFluentBuilder => UpdateItemOutput, UpdateItemError, record_write;
    TransactWriteItemsFluentBuilder => TransactWriteItemsOutput, TransactWriteItemsError, record_write;
}

impl Usage {
    /// Sends `request`, asking for the capacity it consumes, and records it when it succeeds.
    pub(super) async fn send<R: Metered>(&self, request: R) -> Sent<R> {
        let sent = request.send_total().await;
        if let Ok(output) = &sent {
            R::record(self, output);
        }
        sent
    }

    /// Counts a write that its condition refused: one request, no units reported.
    pub(super) fn record_refused(&self) {
        self.record_write(std::iter::empty());
    }

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
