//! The sender on one machine: a background task that polls the store for pending messages. It
//! keeps nothing that matters in memory: a restart finds every pending message in the store.

use std::collections::HashMap;
use std::time::Duration;

use prenota_store::MessageChannel;
use tokio::time::Instant;

use crate::sender::{Delivered, Sender};

/// How often the store is asked for pending messages when all is well.
pub const POLL_EVERY: Duration = Duration::from_millis(250);

/// Messages asked for at once.
const BATCH: usize = 100;

/// A channel whose service failed: its messages wait until `until`, while the other channel's
/// go on.
struct Backoff {
    failures: u32,
    until: Instant,
}

/// Delivers pending messages until the task is dropped.
pub async fn deliver_forever(sender: Sender) {
    let mut resting: HashMap<MessageChannel, Backoff> = HashMap::new();
    loop {
        deliver_round(&sender, &mut resting).await;
        tokio::time::sleep(POLL_EVERY).await;
    }
}

/// One pass over the pending messages, oldest first, skipping the channels that are resting.
async fn deliver_round(sender: &Sender, resting: &mut HashMap<MessageChannel, Backoff>) {
    for message in sender.pending(BATCH).await {
        let channel = message.channel;
        if resting
            .get(&channel)
            .is_some_and(|rest| Instant::now() < rest.until)
        {
            continue;
        }
        match sender.deliver_logged(&message.id).await {
            Some(Delivered::Later(_)) => {
                let failures = resting.get(&channel).map_or(1, |rest| rest.failures + 1);
                let wait = sender.retry().wait(failures);
                tracing::warn!(%channel, failures, wait_ms = wait.as_millis() as u64, "channel resting");
                resting.insert(
                    channel,
                    Backoff {
                        failures,
                        until: Instant::now() + wait,
                    },
                );
            }
            Some(_) => {
                resting.remove(&channel);
            }
            None => {}
        }
    }
}
