//! raftsim: an interactive, deterministic Raft simulator.
//!
//! The crate is split so that the part that must be correct never touches the web:
//!
//! - [`raft`]: one Raft node as a pure state machine (Figure 2 of the paper). No I/O, no clock.
//! - [`sim`]: the deterministic world that runs a cluster of nodes under a virtual clock, with a
//!   network, clients, faults, a trace and an invariant checker.
//! - [`ui`]: the Yew components that draw the world and turn gestures into [`sim::Action`]s.
//!
//! Same configuration (seed included) and same actions give the same trace, natively and in wasm.

#![warn(missing_docs)]
pub mod chunked;
pub mod decimal;
pub mod i18n;
pub mod raft;
pub mod scenario;
pub mod sim;
pub mod ui;
