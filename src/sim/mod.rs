//! The deterministic world: a cluster of [`crate::raft::Node`]s under a virtual clock, with a
//! simulated network, clients, user actions, a typed trace and an invariant checker.
//!
//! Everything random comes from one seeded [`rand_pcg::Pcg64Mcg`] owned by the [`World`]; events
//! are processed in (time, sequence number) order; no wall clock is read and no hash map is
//! iterated. The same [`Config`] and the same actions therefore give the same trace on every
//! platform, which [`World::trace_hash`] lets tests and the UI compare with one number.

pub mod client;
pub mod config;
pub mod experiment;
#[cfg(not(target_arch = "wasm32"))]
pub mod fuzz;
pub mod history;
pub mod invariants;
pub mod linearizability;
pub mod network;
mod queue;
pub mod timeline;
pub mod trace;
pub mod why;
pub mod words;
pub mod world;

pub use crate::raft::{ClientId, NodeId, Safety, Time, MS, SECOND};
pub use client::{Client, OpOutcome, Operation};
pub use config::{
    Config, ConfigError, OptionChange, Replication, SafetySwitch, MAX_CLIENTS, MAX_CLUSTER_SIZE,
};
pub use invariants::{
    Checker, RunawayLimit, TimedViolation, Violation, PROPERTIES, PROPERTY_NAME_KEYS,
};
pub use network::{DropReason, InFlightMessage, MessageId, Network};
pub use trace::{Fnv1a, TimerKind, TraceEvent, TraceKind};
pub use words::{Value, Words};
pub use world::{Action, ActionError, ReplayError, TimedAction, Watchdog, World};
