//! Clients: entities outside the cluster that send commands, follow redirects and retry.

use crate::raft::{ClientId, Command, LogIndex, NodeId, Time};
use serde::{Deserialize, Serialize};

/// How a client operation ended (so far).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OpOutcome {
    /// No answer yet: the command may or may not take effect.
    Pending,
    /// Committed and applied; `value` is the state machine's value right after it.
    Ok {
        /// The value after the command.
        value: i64,
        /// The log index where it was applied.
        index: LogIndex,
    },
    /// The client gave up after too many attempts. The command may still take effect later, so
    /// for consistency checking this is as unknown as `Pending`.
    Failed,
}

/// One command a client was asked to run, with its history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation {
    /// The client.
    pub client: ClientId,
    /// The client's sequence number for it.
    pub seq: u64,
    /// The command.
    pub command: Command,
    /// The server it was first sent to.
    pub node: NodeId,
    /// When it was submitted.
    pub invoked_at: Time,
    /// When the client received the answer or gave up.
    pub completed_at: Option<Time>,
    /// The outcome.
    pub outcome: OpOutcome,
    /// How many times it was sent (first send, redirects and retries).
    pub attempts: u32,
}

/// The command a client is waiting on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Waiting {
    pub(crate) op: usize,
    pub(crate) seq: u64,
    pub(crate) command: Command,
    pub(crate) target: NodeId,
    /// Redirects followed since the last timeout; bounded so stale hints cannot bounce the
    /// client between servers for ever.
    pub(crate) hops: u32,
    /// The server the client tried last after a timeout (first: the one it was sent to). The
    /// next timeout tries the one after it, whatever redirects happened in between, so stale
    /// hints (a removed server still naming an old leader) cannot keep it in a loop.
    pub(crate) probe: NodeId,
}

/// A client. It runs one command at a time, in submission order; later submissions wait in a
/// queue.
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) id: ClientId,
    pub(crate) next_seq: u64,
    pub(crate) waiting: Option<Waiting>,
    /// Operations waiting their turn, oldest first. A `Vec`: queues are short, and a second
    /// `VecDeque` type would cost the wasm bundle more than the shifts cost the run.
    pub(crate) queue: Vec<usize>,
    pub(crate) timer_at: Option<Time>,
    pub(crate) timer_gen: u64,
}

impl Client {
    pub(crate) fn new(id: ClientId) -> Client {
        Client {
            id,
            next_seq: 1,
            waiting: None,
            queue: Vec::new(),
            timer_at: None,
            timer_gen: 0,
        }
    }

    /// The client's id.
    pub fn id(&self) -> ClientId {
        self.id
    }

    /// The operation it is waiting on (index into [`super::World::operations`]), if any.
    pub fn current_op(&self) -> Option<usize> {
        self.waiting.as_ref().map(|w| w.op)
    }

    /// The server its current command was last sent to.
    pub fn target(&self) -> Option<NodeId> {
        self.waiting.as_ref().map(|w| w.target)
    }

    /// Operations submitted but not yet started, oldest first.
    pub fn queued(&self) -> impl Iterator<Item = usize> + '_ {
        self.queue.iter().copied()
    }

    /// When it will retry if no answer comes.
    pub fn retry_at(&self) -> Option<Time> {
        self.timer_at
    }

    /// Whether it is waiting on nothing.
    pub fn is_idle(&self) -> bool {
        self.waiting.is_none()
    }
}
