//! The counter on DynamoDB. A booking joins its office's agenda of the day when it is confirmed
//! (`AGENDA#office#date`, one item per booking, sorted by start); the counter writes the visit on
//! that item, each step under a condition on the state it read (`visit_state`), so that of two
//! desks calling the same citizen one wins and the other calls the next. Tickets are counted per
//! office, day and series by an atomic `ADD`; a check-in that loses a race leaves a gap in the
//! numbers, never a duplicate.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{ConditionCheck, ReturnValue, TransactWriteItem};
use chrono::{DateTime, NaiveDate, Utc};
use prenota_core::counter::{
    self, CounterEvent, CounterRules, CounterStep, Desk, Ticket, TicketSeries, VisitState, call_order,
};
use prenota_core::lifecycle::StoredState;
use prenota_core::{BookingId, OfficeId, ShortCode};

use super::items::{number, optional_number, person_from_item, text};
use super::keys::{
    Item, agenda_key, agenda_pk, booking_key, epoch_seconds, key, n, person_key, s, tickets_key,
};
use super::transact::{is_cancelled, tx_update};
use super::{DynamoStore, sdk_unavailable};
use crate::stored::{stored_booking, stored_booking_id, stored_visit};
use crate::{
    AgendaEntry, Booking, CounterBooking, CounterOutcome, CounterStore, DisplayBoard, DisplayCall,
    StoreError, StoreResult, from_millis, millis, unavailable,
};

/// How long the agenda's items (visits, no personal data) and ticket counters stay: the
/// statistics of a year.
pub(super) const VISITS_KEPT: chrono::Duration = chrono::Duration::days(400);
/// Tries of one step when racing requests change the item between read and write.
const MAX_ATTEMPTS: usize = 12;

/// The agenda item a confirmation writes.
pub(super) fn agenda_item(booking: &Booking) -> Item {
    let mut item = agenda_key(booking);
    item.insert("booking".into(), s(booking.id.as_str()));
    item.insert("starts_at".into(), n(millis(booking.starts_at)));
    item.insert("ttl".into(), n(epoch_seconds(booking.ends_at + VISITS_KEPT)));
    item
}

/// The agenda items of an office's day.
type AgendaItems = Vec<Item>;

impl DynamoStore {
    async fn agenda_items(
        &self,
        office: &OfficeId,
        date: NaiveDate,
        consistent: bool,
    ) -> StoreResult<AgendaItems> {
        self.query_partition(&agenda_pk(office, date), consistent).await
    }

    /// The booking and person items of `ids`, by booking id.
    async fn bookings_with_people(
        &self,
        ids: &[BookingId],
    ) -> StoreResult<HashMap<String, (Item, Option<Item>)>> {
        let keys = ids
            .iter()
            .flat_map(|id| [booking_key(id), person_key(id)])
            .collect();
        let mut found: HashMap<String, (Option<Item>, Option<Item>)> = HashMap::new();
        for item in self.batch_get(keys, true).await? {
            let pk = text(&item, "pk")?.to_owned();
            if let Some(id) = pk.strip_prefix("BOOKING#") {
                found.entry(id.to_owned()).or_default().0 = Some(item);
            } else if let Some(id) = pk.strip_prefix("PERSON#") {
                found.entry(id.to_owned()).or_default().1 = Some(item);
            }
        }
        Ok(found
            .into_iter()
            .filter_map(|(id, (booking, person))| Some((id, (booking?, person))))
            .collect())
    }

    /// Agenda entries of agenda items, by start time.
    async fn entries_of(&self, items: &[Item], now: DateTime<Utc>) -> StoreResult<Vec<AgendaEntry>> {
        let ids: Vec<BookingId> = items
            .iter()
            .map(|item| stored_booking_id(text(item, "booking")?))
            .collect::<StoreResult<_>>()?;
        let mut stored = self.bookings_with_people(&ids).await?;
        let mut entries = Vec::with_capacity(items.len());
        for item in items {
            let id = text(item, "booking")?;
            let Some((booking_item, person_item)) = stored.remove(id) else {
                continue; // the booking item is gone (its TTL): nothing to show
            };
            let person = match &person_item {
                Some(person) => person_from_item(person, now)?,
                None => None,
            };
            entries.push(AgendaEntry {
                booking: stored_booking(&booking_item, person, now)?,
                visit: stored_visit(item)?,
            });
        }
        entries.sort_by(|a, b| {
            (a.booking.starts_at, &a.booking.short_code).cmp(&(b.booking.starts_at, &b.booking.short_code))
        });
        Ok(entries)
    }

    /// The entry of a booking found by its short code, with its agenda item.
    async fn entry_by_code(&self, code: &ShortCode, now: DateTime<Utc>) -> StoreResult<(AgendaEntry, Item)> {
        let short = self
            .get(key(format!("SHORT#{}", code.as_str()), "SHORT"))
            .await?
            .ok_or(StoreError::NotFound)?;
        let id = stored_booking_id(text(&short, "booking")?)?;
        let record = self.record(&id, now).await?;
        // Only a confirmed booking has an agenda item: holds and requests are not the counter's.
        let agenda = self
            .get(agenda_key(&record.booking))
            .await?
            .ok_or(StoreError::NotFound)?;
        let entry = AgendaEntry {
            visit: stored_visit(&agenda)?,
            booking: record.booking,
        };
        Ok((entry, agenda))
    }

    /// The entry of `booking` after a visit change of ours: the booking is as read (the write
    /// checked it still confirmed), the visit is read back, one request instead of four.
    async fn entry_after_write(&self, booking: Booking) -> StoreResult<AgendaEntry> {
        let agenda = self
            .get(agenda_key(&booking))
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(AgendaEntry {
            visit: stored_visit(&agenda)?,
            booking,
        })
    }

    async fn next_ticket(&self, booking: &Booking, series: TicketSeries) -> StoreResult<Ticket> {
        let request = self
            .client
            .update_item()
            .table_name(self.table.as_ref())
            .set_key(Some(tickets_key(
                &booking.offering.office,
                booking.date,
                series.letter(),
            )))
            .update_expression("ADD #last :one SET #ttl = :ttl")
            .expression_attribute_names("#last", "last")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":ttl", n(epoch_seconds(booking.ends_at + VISITS_KEPT)))
            .return_values(ReturnValue::UpdatedNew);
        let output = self.send(request).await.map_err(sdk_unavailable)?;
        let last = output
            .attributes
            .as_ref()
            .map(|attributes| number(attributes, "last"))
            .transpose()?
            .ok_or_else(|| StoreError::Corrupt("ticket counter without a value".into()))?;
        Ok(Ticket::new(series, u32::try_from(last).unwrap_or(u32::MAX)))
    }

    /// Writes a visit change on the agenda item under `condition`, with the booking still
    /// confirmed; false when either condition failed (a racing change, or a cancellation).
    async fn write_visit(
        &self,
        booking: &Booking,
        expression: &str,
        condition: &str,
        values: Vec<(&str, aws_sdk_dynamodb::types::AttributeValue)>,
    ) -> StoreResult<bool> {
        let mut update = self
            .update(agenda_key(booking), expression)
            .condition_expression(condition);
        for (name, value) in values {
            update = update.expression_attribute_values(name, value);
        }
        let still_confirmed = ConditionCheck::builder()
            .table_name(self.table.as_ref())
            .set_key(Some(booking_key(&booking.id)))
            .condition_expression("#state = :confirmed")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":confirmed", s(StoredState::Confirmed.as_str()))
            .build()
            .map_err(unavailable)?;
        let request = self
            .client
            .transact_write_items()
            .transact_items(tx_update(update)?)
            .transact_items(
                TransactWriteItem::builder()
                    .condition_check(still_confirmed)
                    .build(),
            );
        match self.send(request).await {
            Ok(_) => Ok(true),
            Err(error) if is_cancelled(&error) => {
                self.usage.record_refused();
                Ok(false)
            }
            Err(error) => Err(sdk_unavailable(error)),
        }
    }
}

/// The condition that the visit is still in `state` (no visit yet for `Confirmed`).
fn still_in(
    state: VisitState,
) -> (
    &'static str,
    Option<(&'static str, aws_sdk_dynamodb::types::AttributeValue)>,
) {
    match state {
        VisitState::Confirmed => ("attribute_not_exists(visit_state)", None),
        other => ("visit_state = :old", Some((":old", s(other.as_str())))),
    }
}

fn too_many_races() -> StoreError {
    StoreError::Unavailable("too many concurrent changes to one visit".into())
}

#[async_trait]
impl CounterStore for DynamoStore {
    async fn book_at_counter(&self, request: &CounterBooking, now: DateTime<Utc>) -> StoreResult<Booking> {
        self.confirm_at_counter(request, now).await
    }

    async fn agenda(
        &self,
        office: &OfficeId,
        date: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<AgendaEntry>> {
        let items = self.agenda_items(office, date, true).await?;
        self.entries_of(&items, now).await
    }

    async fn agenda_entry(&self, short_code: &ShortCode, now: DateTime<Utc>) -> StoreResult<AgendaEntry> {
        Ok(self.entry_by_code(short_code, now).await?.0)
    }

    async fn check_in(
        &self,
        short_code: &ShortCode,
        series: TicketSeries,
        rules: &CounterRules,
        now: DateTime<Utc>,
    ) -> StoreResult<CounterOutcome> {
        for _ in 0..MAX_ATTEMPTS {
            let (entry, _) = self.entry_by_code(short_code, now).await?;
            let booking = &entry.booking;
            if counter::apply(
                entry.state(),
                CounterEvent::CheckIn,
                booking.starts_at,
                rules,
                now,
            )? == CounterStep::AlreadyDone
            {
                return Ok(CounterOutcome {
                    entry,
                    changed: false,
                });
            }
            let ticket = self.next_ticket(booking, series).await?;
            let written = self
                .write_visit(
                    booking,
                    "SET visit_state = :state, ticket = :ticket, checked_in_at = :now",
                    "attribute_not_exists(visit_state)",
                    vec![
                        (":state", s(VisitState::CheckedIn.as_str())),
                        (":ticket", s(ticket.as_str())),
                        (":now", n(millis(now))),
                    ],
                )
                .await?;
            if written {
                let entry = self.entry_after_write(entry.booking).await?;
                return Ok(CounterOutcome { entry, changed: true });
            }
        }
        Err(too_many_races())
    }

    async fn call_next(
        &self,
        office: &OfficeId,
        date: NaiveDate,
        desk: &Desk,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<AgendaEntry>> {
        let items = self.agenda_items(office, date, true).await?;
        let mut waiting: Vec<(DateTime<Utc>, DateTime<Utc>, &Item)> = Vec::new();
        for item in &items {
            if item.get("visit_state") == Some(&s(VisitState::CheckedIn.as_str())) {
                let starts_at = from_millis(number(item, "starts_at")?)?;
                let arrived = optional_number(item, "checked_in_at")?
                    .map(from_millis)
                    .transpose()?;
                waiting.push((starts_at, arrived.unwrap_or(starts_at), item));
            }
        }
        waiting.sort_by_key(|(starts_at, arrived, _)| call_order(*starts_at, *arrived));
        for (_, _, item) in waiting {
            let id = stored_booking_id(text(item, "booking")?)?;
            let record = self.record(&id, now).await?;
            let called = self
                .write_visit(
                    &record.booking,
                    "SET visit_state = :called, desk = :desk, called_at = :now",
                    "visit_state = :waiting",
                    vec![
                        (":called", s(VisitState::Called.as_str())),
                        (":waiting", s(VisitState::CheckedIn.as_str())),
                        (":desk", s(desk.as_str())),
                        (":now", n(millis(now))),
                    ],
                )
                .await?;
            if called {
                return Ok(Some(self.entry_after_write(record.booking).await?));
            }
            // Another desk called this citizen first, or the booking was cancelled: the next one.
        }
        Ok(None)
    }

    async fn counter_step(
        &self,
        short_code: &ShortCode,
        event: CounterEvent,
        desk: Option<&Desk>,
        rules: &CounterRules,
        now: DateTime<Utc>,
    ) -> StoreResult<CounterOutcome> {
        for _ in 0..MAX_ATTEMPTS {
            let (entry, _) = self.entry_by_code(short_code, now).await?;
            let old = entry.state();
            let new = match counter::apply(old, event, entry.booking.starts_at, rules, now)? {
                CounterStep::AlreadyDone => {
                    return Ok(CounterOutcome {
                        entry,
                        changed: false,
                    });
                }
                CounterStep::To(state) => state,
            };
            let (condition, old_value) = still_in(old);
            let mut values = vec![(":new", s(new.as_str()))];
            values.extend(old_value);
            let mut expression = String::from("SET visit_state = :new");
            if matches!(event, CounterEvent::Served | CounterEvent::NoShow) {
                expression.push_str(", finished_at = :now");
                values.push((":now", n(millis(now))));
            }
            if event == CounterEvent::Recall {
                expression.push_str(", called_at = :now");
                values.push((":now", n(millis(now))));
                if let Some(desk) = desk {
                    expression.push_str(", desk = :desk");
                    values.push((":desk", s(desk.as_str())));
                }
            }
            if self
                .write_visit(&entry.booking, &expression, condition, values)
                .await?
            {
                let entry = self.entry_after_write(entry.booking).await?;
                return Ok(CounterOutcome { entry, changed: true });
            }
        }
        Err(too_many_races())
    }

    async fn display_board(
        &self,
        office: &OfficeId,
        date: NaiveDate,
        last: usize,
    ) -> StoreResult<DisplayBoard> {
        // Eventually consistent: the display may lag a write by a moment, at half the cost.
        let items = self.agenda_items(office, date, false).await?;
        let mut board = DisplayBoard::default();
        for item in &items {
            let Some(visit) = stored_visit(item)? else {
                continue;
            };
            if visit.state == VisitState::CheckedIn {
                board.waiting += 1;
            }
            if let (Some(ticket), Some(desk), Some(at)) = (visit.ticket, visit.desk, visit.called_at) {
                board.called.push(DisplayCall { ticket, desk, at });
            }
        }
        board.called.sort_by_key(|call| std::cmp::Reverse(call.at));
        board.called.truncate(last);
        Ok(board)
    }
}
