//! Experiments that run many independent trials of one question. The first (and so far only)
//! one reproduces Figure 16 of the Raft paper (Ongaro & Ousterhout, §9.3): how long a five-server
//! cluster is without a leader after its leader crashes, as a cumulative distribution, for
//! several election-timeout ranges.
//!
//! # One trial
//!
//! 1. A fresh [`World`] with the series' [`Config`]. One random server is made to time out at
//!    once, so that even the `150–150 ms` series (no randomness at all) gets its first leader
//!    quickly; the paper's trials start from a stable leader, and how it was elected does not
//!    matter.
//! 2. Wait until every server knows the leader (each has had at least one AppendEntries from it,
//!    so each follower's timer was last reset by a heartbeat, not by an election).
//! 3. The leader sends its next heartbeat at `h`; it crashes at `h + u` with `u` drawn uniformly
//!    from `[0, heartbeat interval)`. This is the paper's "crashed uniformly randomly within its
//!    heartbeat interval", which leaves the followers' timers unsynchronised with the crash. The
//!    heartbeat sent at `h` is still delivered (it was already on the wire).
//! 4. Run until some server becomes leader. The time without a leader is from the crash to that
//!    moment; `terms_needed` is the new leader's term minus the crashed leader's term (1 for a
//!    clean election, more when split votes or failed candidacies forced extra rounds). A trial
//!    that finds no leader within [`ExperimentSpec::max_time_without_leader_us`] is *censored*:
//!    its sample is that cap, a lower bound.
//!
//! # Determinism and slicing
//!
//! Every trial's world seed and crash offset come from `(spec seed, series index, trial index)`
//! through a fixed mixing function, never from the order trials run in. An [`ExperimentRun`]
//! can therefore be driven in slices of whole trials ([`ExperimentRun::run_some`]) or of events
//! ([`ExperimentRun::run_events`]), as a UI does between animation frames, and still gives the
//! same results as one long run.
//!
//! # Set-up choices (documented because the paper gives only a sketch)
//!
//! - **Latency** 1–5 ms one way, uniform: calibrated, not derived. The paper's cluster had a
//!   "broadcast time of roughly 15 ms", but taken literally as 5–10 ms one way (a 10–20 ms round
//!   trip) every RequestVote arrives so late that other followers' timers run out first, and the
//!   simulated elections split far more often than the paper's: `150-155` has a median of about
//!   1.5 s (paper: 287 ms) and `12-24` a p95 near 190 ms (paper: mean 35 ms, longest 152 ms).
//!   A plausible reason is that the paper's broadcast time includes each server's synchronous
//!   disk write of its term and vote, which this simulator does not model, while split votes
//!   depend only on how fast a RequestVote *arrives*. With 1–5 ms the simulator matches the
//!   paper's reported figures closely (over 1000 trials: `150-155` median about 300 ms, `150-200`
//!   longest about 490 ms against the paper's 513 ms, `12-24` mean about 28 ms). Both latencies
//!   are fields of the spec, so the UI can show either.
//! - **Heartbeat** half the minimum election timeout, as in the paper ("half of the minimum
//!   election timeout for all tests"): 75 ms for the top graph, 6 ms for `12–24 ms`. This always
//!   satisfies [`Config::validate`] (heartbeat below the shortest timeout).
//! - **Logs** are all empty. The paper gave servers different log lengths so that some could not
//!   win; this reproduction does not (yet), so its elections are slightly easier.
//! - **No timer jitter.** Simulated timers fire exactly, so with `150–150 ms` the followers'
//!   timers stay offset by the differences in heartbeat latency and only the random latency of
//!   each round's RequestVotes can break the tie, so the vote splits round after round. The paper
//!   saw "longer than 10 seconds consistently"; here about two thirds of the trials find no
//!   leader within the 20 s cap and are recorded as censored.

use super::{Action, Config, ConfigError, NodeId, Words, World, MS, SECOND};
use crate::decimal::{fixed, short};
use crate::raft::{Term, Time};
use crate::sim::linearizability::sorted_by;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

/// One curve of the figure: an election-timeout range and the heartbeat used with it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SeriesSpec {
    /// The curve's name, e.g. `150-155 ms`.
    pub label: String,
    /// Shortest election timeout.
    pub election_timeout_min_us: Time,
    /// Longest election timeout.
    pub election_timeout_max_us: Time,
    /// Leader heartbeat interval; must be below `election_timeout_min_us`.
    pub heartbeat_interval_us: Time,
}

impl SeriesSpec {
    /// A series as the paper ran it: timeouts `min_ms`–`max_ms` and a heartbeat of half the
    /// minimum timeout.
    pub fn paper(min_ms: u64, max_ms: u64) -> SeriesSpec {
        SeriesSpec {
            label: format!("{min_ms}-{max_ms} ms"),
            election_timeout_min_us: min_ms * MS,
            election_timeout_max_us: max_ms * MS,
            heartbeat_interval_us: min_ms * MS / 2,
        }
    }
}

/// Everything that defines an experiment. Serialisable so a UI can share or store it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ExperimentSpec {
    /// Seed from which every trial's seeds are derived.
    pub seed: u64,
    /// Number of servers.
    pub cluster_size: u8,
    /// Trials run for each series (the paper ran 1000).
    pub trials_per_series: usize,
    /// Shortest one-way message latency.
    pub latency_min_us: Time,
    /// Longest one-way message latency.
    pub latency_max_us: Time,
    /// How long after the crash a trial waits for a new leader before it gives up and records
    /// a censored sample.
    pub max_time_without_leader_us: Time,
    /// The curves, in drawing order.
    pub series: Vec<SeriesSpec>,
}

impl ExperimentSpec {
    /// The settings shared by both presets: 5 servers, 1000 trials per series (as in the paper),
    /// 1–5 ms latency (see the module notes) and a 20 s cap (the paper reports `150-150` as
    /// "longer than 10 seconds").
    fn paper_base(series: Vec<SeriesSpec>) -> ExperimentSpec {
        ExperimentSpec {
            seed: 16,
            cluster_size: 5,
            trials_per_series: 1000,
            latency_min_us: MS,
            latency_max_us: 5 * MS,
            max_time_without_leader_us: 20 * SECOND,
            series,
        }
    }

    /// The top graph of Figure 16: a little randomness in the timeout goes a long way.
    /// Series `150-150`, `150-151`, `150-155`, `150-175`, `150-200`, `150-300` ms.
    pub fn figure16_top() -> ExperimentSpec {
        let ranges = [
            (150, 150),
            (150, 151),
            (150, 155),
            (150, 175),
            (150, 200),
            (150, 300),
        ];
        Self::paper_base(
            ranges
                .iter()
                .map(|&(a, b)| SeriesSpec::paper(a, b))
                .collect(),
        )
    }

    /// The bottom graph of Figure 16: shorter timeouts mean less downtime. Series `12-24`,
    /// `25-50`, `50-100`, `100-200`, `150-300` ms.
    pub fn figure16_bottom() -> ExperimentSpec {
        let ranges = [(12, 24), (25, 50), (50, 100), (100, 200), (150, 300)];
        Self::paper_base(
            ranges
                .iter()
                .map(|&(a, b)| SeriesSpec::paper(a, b))
                .collect(),
        )
    }

    /// The simulation configuration of series `index` (with seed 0; each trial sets its own).
    pub fn config_for(&self, index: usize) -> Option<Config> {
        let s = self.series.get(index)?;
        Some(Config {
            seed: 0,
            cluster_size: self.cluster_size,
            // One idle client: the config requires at least one, and an idle one adds no events.
            clients: 1,
            election_timeout_min_us: s.election_timeout_min_us,
            election_timeout_max_us: s.election_timeout_max_us,
            heartbeat_interval_us: s.heartbeat_interval_us,
            latency_min_us: self.latency_min_us,
            latency_max_us: self.latency_max_us,
            ..Config::default()
        })
    }

    /// Checks the spec: at least one series and one trial, a non-zero cap, and a valid
    /// [`Config`] for every series.
    pub fn validate(&self) -> Result<(), ExperimentError> {
        if self.series.is_empty() {
            return Err(ExperimentError::NoSeries);
        }
        if self.trials_per_series == 0 {
            return Err(ExperimentError::NoTrials);
        }
        if self.max_time_without_leader_us == 0 {
            return Err(ExperimentError::ZeroCap);
        }
        for index in 0..self.series.len() {
            if let Some(c) = self.config_for(index) {
                c.validate()
                    .map_err(|error| ExperimentError::Series { index, error })?;
            }
        }
        Ok(())
    }

    /// Total number of trials.
    pub fn total_trials(&self) -> usize {
        self.series.len() * self.trials_per_series
    }
}

/// Why an [`ExperimentSpec`] cannot run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExperimentError {
    /// The spec has no series.
    NoSeries,
    /// `trials_per_series` is zero.
    NoTrials,
    /// `max_time_without_leader_us` is zero, so no trial could ever succeed.
    ZeroCap,
    /// A series gives an invalid simulation configuration.
    Series {
        /// Position of the series in the spec.
        index: usize,
        /// What is wrong with its configuration.
        error: ConfigError,
    },
}

impl ExperimentError {
    /// Why, as the catalogue's words (`experiment-error.*`).
    pub fn words(&self) -> Words {
        match self {
            ExperimentError::NoSeries => Words::new("experiment-error.no-series"),
            ExperimentError::NoTrials => Words::new("experiment-error.no-trials"),
            ExperimentError::ZeroCap => Words::new("experiment-error.zero-cap"),
            ExperimentError::Series { index, error } => Words::new("experiment-error.series")
                .with("series", index + 1)
                .with("error", error.words()),
        }
    }
}

crate::sim::words::english_error!(ExperimentError);

/// The outcome of one trial.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TrialRecord {
    /// Position of the trial within its series, from 0.
    pub trial: usize,
    /// Virtual time from the crash until a new leader was elected, or the cap if none was.
    pub time_without_leader_us: Time,
    /// The new leader's term minus the crashed leader's term; 0 if no leader was elected.
    pub terms_needed: Term,
    /// Whether a new leader was elected within the cap (`false`: the sample is censored).
    pub leader_elected: bool,
    /// How long after its last heartbeat the leader crashed.
    pub crash_offset_us: Time,
}

impl TrialRecord {
    /// The time without a leader in milliseconds.
    pub fn time_ms(&self) -> f64 {
        self.time_without_leader_us as f64 / MS as f64
    }
}

/// One point of an empirical CDF: the fraction of trials whose time without a leader was at most
/// `time_ms`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CdfPoint {
    /// Time without a leader, in milliseconds.
    pub time_ms: f64,
    /// Fraction of all trials of the series (0 to 1) at or below `time_ms`.
    pub fraction: f64,
}

/// The results of one series so far.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeriesResult {
    /// Position of the series in the spec.
    pub series: usize,
    /// The series' label.
    pub label: String,
    /// Shortest election timeout.
    pub election_timeout_min_us: Time,
    /// Longest election timeout.
    pub election_timeout_max_us: Time,
    /// Heartbeat interval used.
    pub heartbeat_interval_us: Time,
    /// Every finished trial, in trial order.
    pub trials: Vec<TrialRecord>,
    /// Times without a leader of the finished trials, in milliseconds, sorted ascending.
    /// Censored trials appear as the cap (a lower bound).
    pub samples_ms: Vec<f64>,
    /// The empirical CDF as a step function: one point per distinct elected time. Censored
    /// trials add no point, so the curve stops below 1 when some trials never elected a leader.
    pub cdf: Vec<CdfPoint>,
    /// Trials whose election needed more than one term (split votes or failed candidacies),
    /// censored ones included.
    pub multi_term: usize,
    /// Trials without a new leader within the cap.
    pub censored: usize,
    /// Median time without a leader, ms (nearest rank); `None` before the first trial.
    pub p50_ms: Option<f64>,
    /// 95th percentile, ms (nearest rank).
    pub p95_ms: Option<f64>,
    /// Longest time without a leader, ms.
    pub max_ms: Option<f64>,
    /// Mean time without a leader, ms (censored trials counted at the cap).
    pub mean_ms: Option<f64>,
}

impl SeriesResult {
    fn build(index: usize, spec: &SeriesSpec, trials: &[TrialRecord]) -> SeriesResult {
        // Sorted by the exact integer times, through the one sort the core's wasm carries.
        let order = sorted_by(trials.len(), |i| (trials[i].time_without_leader_us, 0));
        let samples_ms: Vec<f64> = order.iter().map(|&i| trials[i].time_ms()).collect();
        let n = samples_ms.len();
        let elected: Vec<f64> = order
            .iter()
            .filter(|&&i| trials[i].leader_elected)
            .map(|&i| trials[i].time_ms())
            .collect();
        let mut cdf: Vec<CdfPoint> = Vec::new();
        for (i, &x) in elected.iter().enumerate() {
            let fraction = (i + 1) as f64 / n as f64;
            // Equal times share one point: keep only the highest fraction.
            match cdf.last_mut() {
                Some(p) if p.time_ms == x => p.fraction = fraction,
                _ => cdf.push(CdfPoint {
                    time_ms: x,
                    fraction,
                }),
            }
        }
        let rank = |p: f64| -> Option<f64> {
            if n == 0 {
                return None;
            }
            // Nearest-rank percentile: the smallest sample with at least p of the data at or
            // below it. Exact on small samples, unlike interpolation.
            let r = ((p * n as f64).ceil() as usize).clamp(1, n);
            samples_ms.get(r - 1).copied()
        };
        SeriesResult {
            series: index,
            label: spec.label.clone(),
            election_timeout_min_us: spec.election_timeout_min_us,
            election_timeout_max_us: spec.election_timeout_max_us,
            heartbeat_interval_us: spec.heartbeat_interval_us,
            trials: trials.to_vec(),
            multi_term: trials
                .iter()
                .filter(|t| !t.leader_elected || t.terms_needed > 1)
                .count(),
            censored: trials.iter().filter(|t| !t.leader_elected).count(),
            p50_ms: rank(0.5),
            p95_ms: rank(0.95),
            max_ms: samples_ms.last().copied(),
            mean_ms: (n > 0).then(|| samples_ms.iter().sum::<f64>() / n as f64),
            samples_ms,
            cdf,
        }
    }

    /// The fraction of this series' trials that elected a leader within `time_ms`.
    pub fn fraction_within(&self, time_ms: f64) -> f64 {
        let n = self.trials.len();
        if n == 0 {
            return 0.0;
        }
        let k = self
            .trials
            .iter()
            .filter(|t| t.leader_elected && t.time_ms() <= time_ms)
            .count();
        k as f64 / n as f64
    }
}

/// How far an [`ExperimentRun`] has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Progress {
    /// Trials finished.
    pub done: usize,
    /// Trials in the whole experiment.
    pub total: usize,
    /// Whether every trial has finished.
    pub finished: bool,
}

/// Where the trial in progress is.
#[derive(Clone, Debug)]
enum Phase {
    /// Waiting until every server knows the first leader.
    Electing,
    /// A stable leader exists; it will crash at `crash_at`.
    Settling {
        /// The leader that will crash.
        leader: NodeId,
        /// When it crashes.
        crash_at: Time,
        /// How long after its last heartbeat that is.
        crash_offset_us: Time,
    },
    /// The leader crashed at `crashed_at`; waiting for a successor.
    Leaderless {
        /// Crash time.
        crashed_at: Time,
        /// The crashed leader's term.
        old_term: Term,
        /// How long after its last heartbeat it crashed.
        crash_offset_us: Time,
    },
}

/// The trial being run, kept between slices.
#[derive(Clone, Debug)]
struct Trial {
    series: usize,
    index: usize,
    world: World,
    rng: Pcg64Mcg,
    phase: Phase,
}

/// Trace events kept per trial world: a trial reads only node state, never the trace, so a
/// small window keeps memory flat.
const TRACE_KEEP: usize = 16;

/// How long the first election may take before the trial is counted as censored. With a forced
/// first candidate it takes one round trip; the limit only guards against a wedged set-up.
const SETUP_LIMIT_US: Time = 60 * SECOND;

/// SplitMix64's finaliser: spreads nearby inputs (trial 7, trial 8) over unrelated seeds.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of stream `stream` (0: the world, 1: the trial's own choices) of one trial.
fn trial_seed(seed: u64, series: usize, trial: usize, stream: u64) -> u64 {
    mix(mix(mix(mix(seed) ^ series as u64) ^ trial as u64) ^ stream)
}

/// Whether the world has a running leader that every running server follows in its term.
fn stable_leader(world: &World) -> Option<NodeId> {
    let leader = world.leader()?;
    let term = world.node(leader)?.term();
    world
        .nodes()
        .iter()
        .filter(|n| !n.is_stopped() && n.id() != leader)
        .all(|n| n.term() == term && n.leader_hint() == Some(leader))
        .then_some(leader)
}

impl Trial {
    fn new(spec: &ExperimentSpec, series: usize, index: usize) -> Result<Trial, ExperimentError> {
        let mut config = spec.config_for(series).ok_or(ExperimentError::NoSeries)?;
        config.seed = trial_seed(spec.seed, series, index, 0);
        let mut world = World::new(config).map_err(|error| ExperimentError::Series {
            index: series,
            error,
        })?;
        world.set_trace_retention(Some(TRACE_KEEP));
        let mut rng = Pcg64Mcg::seed_from_u64(trial_seed(spec.seed, series, index, 1));
        let first = NodeId(rng.random_range(0..spec.cluster_size));
        // A forced first candidate: without it, identical fixed timeouts (150-150) would start
        // every server's campaign at the same instant and the first leader might never appear.
        // The result of an action on a fresh world cannot fail (the node exists and runs).
        let _ = world.apply(Action::Timeout(first));
        Ok(Trial {
            series,
            index,
            world,
            rng,
            phase: Phase::Electing,
        })
    }

    /// Runs the trial for at most `*budget` events (taking them off the budget); returns its
    /// record when it finishes.
    fn advance(&mut self, spec: &ExperimentSpec, budget: &mut u64) -> Option<TrialRecord> {
        let cap = spec.max_time_without_leader_us;
        loop {
            match self.phase {
                Phase::Electing => {
                    if let Some(leader) = stable_leader(&self.world) {
                        let hb = spec.series[self.series].heartbeat_interval_us;
                        let next_hb = self
                            .world
                            .node(leader)
                            .and_then(|n| n.next_heartbeat())
                            .unwrap_or(self.world.now());
                        let offset = self.rng.random_range(0..hb.max(1));
                        self.phase = Phase::Settling {
                            leader,
                            crash_at: next_hb + offset,
                            crash_offset_us: offset,
                        };
                        continue;
                    }
                    if self.world.now() > SETUP_LIMIT_US {
                        return Some(self.censored(cap, 0));
                    }
                    if *budget == 0 {
                        return None;
                    }
                    *budget -= 1;
                    if self.world.step().is_none() {
                        return Some(self.censored(cap, 0));
                    }
                }
                Phase::Settling {
                    leader,
                    crash_at,
                    crash_offset_us,
                } => {
                    if self.world.next_event_time().is_some_and(|t| t <= crash_at) {
                        if *budget == 0 {
                            return None;
                        }
                        *budget -= 1;
                        self.world.step();
                        continue;
                    }
                    self.world.advance_to(crash_at);
                    let old_term = self.world.node(leader).map_or(0, |n| n.term());
                    // The leader is running (nothing else stops servers), so this succeeds.
                    let _ = self.world.apply(Action::Stop(leader));
                    self.phase = Phase::Leaderless {
                        crashed_at: self.world.now(),
                        old_term,
                        crash_offset_us,
                    };
                }
                Phase::Leaderless {
                    crashed_at,
                    old_term,
                    crash_offset_us,
                } => {
                    // The crashed leader is stopped, so any leader now is its successor.
                    if let Some(new) = self.world.leader() {
                        let term = self.world.node(new).map_or(old_term, |n| n.term());
                        return Some(TrialRecord {
                            trial: self.index,
                            time_without_leader_us: self.world.now() - crashed_at,
                            terms_needed: term.saturating_sub(old_term),
                            leader_elected: true,
                            crash_offset_us,
                        });
                    }
                    let limit = crashed_at + cap;
                    if self.world.next_event_time().is_none_or(|t| t > limit) {
                        return Some(self.censored(cap, crash_offset_us));
                    }
                    if *budget == 0 {
                        return None;
                    }
                    *budget -= 1;
                    self.world.step();
                }
            }
        }
    }

    /// The record of a trial that found no leader in time; its sample is the cap.
    fn censored(&self, cap: Time, crash_offset_us: Time) -> TrialRecord {
        TrialRecord {
            trial: self.index,
            time_without_leader_us: cap,
            terms_needed: 0,
            leader_elected: false,
            crash_offset_us,
        }
    }
}

/// An experiment in progress, driven in slices. Trials run in order: every trial of series 0,
/// then series 1, and so on, so that a partly run experiment shows whole curves first.
#[derive(Clone, Debug)]
pub struct ExperimentRun {
    spec: ExperimentSpec,
    /// Finished trials per series, in trial order.
    records: Vec<Vec<TrialRecord>>,
    /// The trial in progress, if one is half done.
    current: Option<Trial>,
    /// The next (series, trial) to start when `current` is `None`.
    next: (usize, usize),
    /// World events processed so far, over all trials.
    events: u64,
}

impl ExperimentRun {
    /// A run of `spec`, with nothing done yet.
    pub fn new(spec: ExperimentSpec) -> Result<ExperimentRun, ExperimentError> {
        spec.validate()?;
        Ok(ExperimentRun {
            records: vec![Vec::new(); spec.series.len()],
            spec,
            current: None,
            next: (0, 0),
            events: 0,
        })
    }

    /// The spec being run.
    pub fn spec(&self) -> &ExperimentSpec {
        &self.spec
    }

    /// `(trials finished, trials in total)`.
    pub fn progress(&self) -> (usize, usize) {
        (
            self.records.iter().map(Vec::len).sum(),
            self.spec.total_trials(),
        )
    }

    /// Whether every trial has finished.
    pub fn is_finished(&self) -> bool {
        let (done, total) = self.progress();
        done == total
    }

    /// Simulation events processed so far, over all trials (for throughput figures).
    pub fn events_processed(&self) -> u64 {
        self.events
    }

    fn progress_report(&self) -> Progress {
        let (done, total) = self.progress();
        Progress {
            done,
            total,
            finished: done == total,
        }
    }

    /// Finishes up to `max_trials` more trials (a half-done trial counts as one). A single trial
    /// can take many events (a censored `150-150` trial takes about 5000); use
    /// [`ExperimentRun::run_events`] when a slice must be strictly bounded.
    pub fn run_some(&mut self, max_trials: usize) -> Progress {
        for _ in 0..max_trials {
            if !self.run_until_next_record(u64::MAX) {
                break;
            }
        }
        self.progress_report()
    }

    /// Processes at most about `max_events` simulation events, finishing as many trials as fit
    /// and leaving the last one half done. The bound is on events, the unit of work, so a UI
    /// can keep each slice within a frame.
    pub fn run_events(&mut self, max_events: u64) -> Progress {
        let mut budget = max_events;
        while budget > 0 && self.run_until_next_record_budget(&mut budget) {}
        self.progress_report()
    }

    /// Runs everything that is left.
    pub fn run_to_end(&mut self) -> Progress {
        while self.run_until_next_record(u64::MAX) {}
        self.progress_report()
    }

    /// Runs the current trial to its end within `budget` events; returns whether a trial
    /// finished (false when out of budget or out of trials).
    fn run_until_next_record(&mut self, budget: u64) -> bool {
        let mut b = budget;
        self.run_until_next_record_budget(&mut b)
    }

    fn run_until_next_record_budget(&mut self, budget: &mut u64) -> bool {
        if self.current.is_none() {
            let (s, t) = self.next;
            if s >= self.spec.series.len() {
                return false;
            }
            match Trial::new(&self.spec, s, t) {
                Ok(trial) => self.current = Some(trial),
                // Validated in `new`, so this cannot happen; stop rather than spin.
                Err(_) => return false,
            }
            self.next = if t + 1 < self.spec.trials_per_series {
                (s, t + 1)
            } else {
                (s + 1, 0)
            };
        }
        let Some(trial) = self.current.as_mut() else {
            return false;
        };
        let before = *budget;
        let record = trial.advance(&self.spec, budget);
        self.events += before - *budget;
        match record {
            Some(r) => {
                self.records[trial.series].push(r);
                self.current = None;
                true
            }
            None => false,
        }
    }

    /// The results so far, one per series (series not yet started have no trials).
    pub fn results(&self) -> Vec<SeriesResult> {
        self.spec
            .series
            .iter()
            .zip(&self.records)
            .enumerate()
            .map(|(i, (spec, records))| SeriesResult::build(i, spec, records))
            .collect()
    }
}

/// The per-trial table as CSV: a header, then one row per finished trial, series by series in
/// trial order. Columns:
///
/// - `series`: position of the series in the spec, from 0;
/// - `label`: the series label, e.g. `150-155 ms`;
/// - `trial`: the trial's index within its series, from 0;
/// - `time_without_leader_ms`: from the crash to the new leader, in ms with microsecond
///   precision (the cap for censored trials);
/// - `terms_needed`: the new leader's term minus the old one (0 when censored);
/// - `leader_elected`: `true`, or `false` for a censored trial;
/// - `crash_offset_ms`: how long after its last heartbeat the leader crashed.
pub fn to_csv(results: &[SeriesResult]) -> String {
    let mut out = String::from(
        "series,label,trial,time_without_leader_ms,terms_needed,leader_elected,crash_offset_ms\n",
    );
    for r in results {
        for t in &r.trials {
            out.push_str(&format!(
                "{},{},{},{},{},{},{}\n",
                r.series,
                csv_field(&r.label),
                t.trial,
                fixed(t.time_ms(), 3),
                t.terms_needed,
                t.leader_elected,
                fixed(t.crash_offset_us as f64 / MS as f64, 3),
            ));
        }
    }
    out
}

/// One row per series as CSV. Columns: `series`, `label`, `timeout_min_ms`, `timeout_max_ms`,
/// `heartbeat_ms`, `trials`, `multi_term` (trials needing more than one term), `censored`,
/// `p50_ms`, `p95_ms`, `max_ms`, `mean_ms` (empty when the series has no trials yet).
pub fn summary_csv(results: &[SeriesResult]) -> String {
    let mut out = String::from(
        "series,label,timeout_min_ms,timeout_max_ms,heartbeat_ms,trials,multi_term,censored,p50_ms,p95_ms,max_ms,mean_ms\n",
    );
    let ms = |us: Time| short(us as f64 / MS as f64);
    let opt = |v: Option<f64>| v.map(|x| fixed(x, 3)).unwrap_or_default();
    for r in results {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{}\n",
            r.series,
            csv_field(&r.label),
            ms(r.election_timeout_min_us),
            ms(r.election_timeout_max_us),
            ms(r.heartbeat_interval_us),
            r.trials.len(),
            r.multi_term,
            r.censored,
            opt(r.p50_ms),
            opt(r.p95_ms),
            opt(r.max_ms),
            opt(r.mean_ms),
        ));
    }
    out
}

/// Quotes a CSV field when it contains a comma, quote or newline (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_valid_and_heartbeat_is_half_the_minimum() {
        for spec in [
            ExperimentSpec::figure16_top(),
            ExperimentSpec::figure16_bottom(),
        ] {
            assert_eq!(spec.validate(), Ok(()));
            for s in &spec.series {
                assert_eq!(s.heartbeat_interval_us * 2, s.election_timeout_min_us);
            }
        }
    }

    #[test]
    fn invalid_specs_are_refused() {
        let mut spec = ExperimentSpec::figure16_bottom();
        spec.series[0].heartbeat_interval_us = 12 * MS;
        assert!(matches!(
            ExperimentRun::new(spec).err(),
            Some(ExperimentError::Series { index: 0, .. })
        ));
        let mut spec = ExperimentSpec::figure16_bottom();
        spec.trials_per_series = 0;
        assert_eq!(
            ExperimentRun::new(spec).err(),
            Some(ExperimentError::NoTrials)
        );
    }

    #[test]
    fn percentiles_use_nearest_rank() {
        let spec = SeriesSpec::paper(150, 300);
        let trials: Vec<TrialRecord> = (1..=20)
            .map(|i| TrialRecord {
                trial: i as usize,
                time_without_leader_us: i * MS,
                terms_needed: 1,
                leader_elected: true,
                crash_offset_us: 0,
            })
            .collect();
        let r = SeriesResult::build(0, &spec, &trials);
        assert_eq!(r.p50_ms, Some(10.0));
        assert_eq!(r.p95_ms, Some(19.0));
        assert_eq!(r.max_ms, Some(20.0));
        assert_eq!(r.cdf.len(), 20);
        assert_eq!(r.cdf.last().map(|p| p.fraction), Some(1.0));
    }

    #[test]
    fn labels_with_commas_are_quoted() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("150-155 ms"), "150-155 ms");
    }
}
