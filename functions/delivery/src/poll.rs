//! The sender on one machine: a background task that polls the store for due messages. It keeps
//! nothing that matters in memory: a restart finds every pending message, and when each is next
//! due, in the store.
//!
//! Each message that fails for now gets its own next attempt ([`Sender::deliver`]), so a
//! recipient that is refused or greylisted never holds back the messages behind it. What stays
//! here is for a whole service that is down: after [`DOWN_AFTER`] deliveries of one channel in a
//! row have failed for now, with none sent in between, the channel rests with backoff
//! ([`crate::RetryPolicy::wait`]); its due messages are put off to the end of the rest, untried,
//! so that they neither hammer the service nor fill the rounds of the other channels. After the
//! rest one failure is enough for the next, longer, one; a message sent on the channel ends it.
//! A refusal for good (a 550) says nothing about the service.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use prenota_store::MessageChannel;

use crate::sender::{Delivered, Sender};

/// How often the store is asked for due messages when all is well.
pub const POLL_EVERY: Duration = Duration::from_millis(250);

/// Messages asked for at once.
const BATCH: usize = 100;

/// Deliveries of one channel failing for now in a row, none sent in between, that make its
/// service "down": one greylisted or refused recipient, or two, never do.
pub const DOWN_AFTER: u32 = 3;

/// How one channel's service has been answering.
#[derive(Default)]
struct ChannelState {
    /// Deliveries that failed for now since the last one sent.
    failures_in_a_row: u32,
    /// Rests in a row: the backoff's exponent.
    rests: u32,
    /// Resting until then, by the sender's clock.
    resting_until: Option<DateTime<Utc>>,
}

/// Delivers due messages until the task is dropped.
pub async fn deliver_forever(sender: Sender) {
    let mut channels: HashMap<MessageChannel, ChannelState> = HashMap::new();
    loop {
        deliver_round(&sender, &mut channels).await;
        tokio::time::sleep(POLL_EVERY).await;
    }
}

/// One pass over the due messages, soonest due first; those of a resting channel are put off.
async fn deliver_round(sender: &Sender, channels: &mut HashMap<MessageChannel, ChannelState>) {
    for entry in sender.due(BATCH).await {
        let channel = entry.message.channel;
        let state = channels.entry(channel).or_default();
        if let Some(until) = state.resting_until.filter(|until| sender.now() < *until) {
            let reason = format!("{channel} resting: its service failed {DOWN_AFTER} times in a row");
            if let Err(error) = sender.put_off(&entry, until, &reason).await {
                tracing::error!(%error, id = %entry.message.id, "a message of a resting channel could not be put off");
            }
            continue;
        }
        match sender.deliver_logged(&entry.message.id).await {
            Some(Delivered::Later(_)) => {
                state.failures_in_a_row += 1;
                if state.failures_in_a_row >= DOWN_AFTER {
                    state.rests += 1;
                    // After the rest one message tries the service: failing, it rests again.
                    state.failures_in_a_row = DOWN_AFTER - 1;
                    let wait = sender.retry().wait(state.rests);
                    let until = sender.now() + chrono::Duration::from_std(wait).unwrap_or_default();
                    tracing::warn!(%channel, rests = state.rests, wait_ms = wait.as_millis() as u64, "channel resting");
                    state.resting_until = Some(until);
                }
            }
            Some(Delivered::Sent(_)) => *state = ChannelState::default(),
            Some(Delivered::Failed(_) | Delivered::AlreadyDone) | None => {}
        }
    }
}
