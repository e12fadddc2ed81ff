//! Presets that make a point: scripted runs, as data, that show why a rule of Raft is there.
//!
//! Each [`Preset`] is a [`Config`] plus a list of [`TimedAction`]s that the world replays at
//! their virtual times. Most presets are about one of the "break Raft" switches
//! ([`SafetySwitch`]): with the switch on, the run ends in the violation the paper warns about
//! and the invariant checker reports it; with the same script and the switch off, the run stays
//! safe. [`Preset::build_with`] builds either variant, so the UI can offer the toggle.
//!
//! The scripts use long, pinned election timeouts, so that only the scripted `Timeout` actions
//! start elections, and a fixed message latency where the timing matters: the story then does
//! not depend on the seed.

use crate::raft::{ClientId, Command, NodeId, MS, SECOND};
use crate::sim::{Action, Config, ReplayError, SafetySwitch, Time, TimedAction, World};

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);
const C: NodeId = NodeId(2);
const D: NodeId = NodeId(3);
const E: NodeId = NodeId(4);
const F: NodeId = NodeId(5);
const G: NodeId = NodeId(6);

/// What a run of a preset is expected to show at its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The invariant checker reports a violation of this property (a name returned by
    /// [`crate::sim::Violation::property`]).
    Violates(&'static str),
    /// The invariant checker reports nothing.
    Safe,
    /// The checker reports nothing, but no leader was ever elected: the cluster is stuck.
    NoLeader,
    /// The checker reports nothing, a leader is in charge, and every running server's log is
    /// the leader's.
    Repaired,
    /// The checker reports nothing and the first leader elected is the only one: nothing
    /// disturbed it.
    OneLeader,
    /// The checker reports nothing, but elections kept deposing leaders: a working cluster was
    /// disrupted.
    Disrupted,
}

impl Outcome {
    /// Whether `world` shows this outcome.
    pub fn holds(&self, world: &World) -> bool {
        let found = world.check_invariants();
        match self {
            Outcome::Violates(property) => found.iter().any(|v| v.property() == *property),
            Outcome::Safe => found.is_empty(),
            Outcome::NoLeader => found.is_empty() && elections(world) == 0,
            Outcome::OneLeader => found.is_empty() && elections(world) == 1,
            Outcome::Disrupted => found.is_empty() && elections(world) > 2,
            Outcome::Repaired => {
                let Some(leader) = world.leader().and_then(|l| world.node(l)) else {
                    return false;
                };
                found.is_empty()
                    && world
                        .nodes()
                        .iter()
                        .filter(|n| !n.is_stopped())
                        .all(|n| n.log() == leader.log())
            }
        }
    }
}

/// How many times a server became leader in `world`'s run (the trace keeps every event unless
/// retention was limited, which presets do not do).
fn elections(world: &World) -> usize {
    world
        .trace()
        .iter()
        .filter(|e| e.kind.is_election_won())
        .count()
}

/// A moment of a preset worth pointing out, for the UI's timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// Virtual time of the moment.
    pub at: Time,
    /// Its number in the preset, from 1: what is happening then, in a sentence, is the
    /// catalogue's `scenario.<slug>.<number>` (see `i18n/`).
    pub number: u8,
}

/// A scripted run that makes a point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preset {
    /// Stable identifier for URLs (`?scenario=figure8`).
    pub slug: &'static str,
    /// The safety switch the preset is about, if any. `config` has it on (the rule broken).
    pub switch: Option<SafetySwitch>,
    /// The world's configuration, with the switch (if any) on.
    pub config: Config,
    /// The script, in time order, each action applied after every event at or before its time.
    pub actions: Vec<TimedAction>,
    /// When the run has shown its point; [`Preset::build`] runs to here.
    pub end_us: Time,
    /// Moments worth pointing out.
    pub marks: Vec<Mark>,
    /// What the run shows with the switch on (or, without a switch, at all).
    pub when_broken: Outcome,
    /// What the same script shows with the switch off.
    pub when_safe: Outcome,
}

impl Preset {
    /// The catalogue key of the paragraph that says what the script does and what it shows.
    pub fn explanation_key(&self) -> String {
        format!("scenario.{}", self.slug)
    }

    /// The catalogue key of the sentence for `mark`.
    pub fn mark_key(&self, mark: &Mark) -> String {
        format!("scenario.{}.{}", self.slug, mark.number)
    }

    /// The configuration with the preset's switch on (`broken`) or off. Without a switch it is
    /// `config` either way.
    pub fn config_with(&self, broken: bool) -> Config {
        let mut config = self.config.clone();
        if let Some(switch) = self.switch {
            switch.set(&mut config.safety, broken);
        }
        config
    }

    /// The world at the end of the run, with the rule broken as in `config`.
    pub fn build(&self) -> Result<World, ReplayError> {
        self.build_with(true)
    }

    /// The world at the end of the run, with the switch on (`broken`) or off.
    pub fn build_with(&self, broken: bool) -> Result<World, ReplayError> {
        self.world_at(broken, self.end_us)
    }

    /// The world at virtual time `t` of the run (actions after `t` not yet applied).
    pub fn world_at(&self, broken: bool, t: Time) -> Result<World, ReplayError> {
        let until = self.actions.partition_point(|a| a.at <= t);
        let mut world = World::replay(self.config_with(broken), &self.actions[..until])?;
        world.advance_to(t);
        Ok(world)
    }

    /// The outcome the run should end with, with the switch on (`broken`) or off.
    pub fn expected(&self, broken: bool) -> Outcome {
        if broken {
            self.when_broken
        } else {
            self.when_safe
        }
    }
}

/// Every preset's slug, in the order of [`presets`] (the scenario menu's): the menu lists them
/// without building the scripts. Each has its title in the catalogue (`scenario.<slug>.title`).
pub const SLUGS: [&str; 9] = [
    "figure8",
    "figure7",
    "livelock",
    "vote-without-log-check",
    "forget-vote-on-restart",
    "skip-prev-log-check",
    "membership-bug",
    "removed-server",
    "stale-read",
];

/// Every preset.
pub fn presets() -> Vec<Preset> {
    vec![
        figure8(),
        figure7(),
        livelock(),
        vote_without_log_check(),
        forget_vote_on_restart(),
        skip_prev_log_check(),
        membership_bug(),
        removed_server(),
        stale_read(),
    ]
}

/// The preset with this slug.
pub fn preset(slug: &str) -> Option<Preset> {
    presets().into_iter().find(|p| p.slug == slug)
}

// ----- scripts -----------------------------------------------------------------------------------

/// Builds a script: each action at a time relative to the one before.
struct Script {
    now: Time,
    actions: Vec<TimedAction>,
    marks: Vec<Mark>,
}

impl Script {
    fn new() -> Script {
        Script {
            now: 0,
            actions: Vec::new(),
            marks: Vec::new(),
        }
    }

    /// Waits `gap`, then applies `action`.
    fn after(&mut self, gap: Time, action: Action) -> &mut Script {
        self.now += gap;
        self.actions.push(TimedAction::at(self.now, action));
        self
    }

    /// Applies `action` at the same instant as the previous one (after it).
    fn with(&mut self, action: Action) -> &mut Script {
        self.actions.push(TimedAction::at(self.now, action));
        self
    }

    /// Applies `action` and then leaves the world 200 ms to settle, like a person clicking
    /// through the scenario: long enough for a round of votes or an entry to be replicated.
    fn go(&mut self, action: Action) -> &mut Script {
        self.with(action);
        self.now += 200 * MS;
        self
    }

    /// Marks this moment: the preset's next sentence (in the catalogue) is said from here on.
    fn mark(&mut self) -> &mut Script {
        let number = self.marks.len() as u8 + 1;
        self.marks.push(Mark {
            at: self.now,
            number,
        });
        self
    }
}

fn submit(client: u16, node: NodeId, n: i64) -> Action {
    Action::Submit {
        client: ClientId(client),
        node,
        command: Command::Set(n),
    }
}

/// Election timeouts far longer than any script, so only scripted timeouts start elections, and
/// clients that never resend during the script.
fn staged(size: u8, switch: SafetySwitch) -> Config {
    let mut config = Config {
        cluster_size: size,
        seed: 5,
        election_timeout_min_us: 20 * SECOND,
        election_timeout_max_us: 30 * SECOND,
        client_retry_timeout_us: 100 * SECOND,
        ..Config::default()
    };
    switch.set(&mut config.safety, true);
    config
}

/// The paper's Figure 8 on five servers A..E (S1..S5 in the paper).
fn figure8() -> Preset {
    let mut s = Script::new();
    // Term 1: A leads and commits SET 1 at index 1 everywhere.
    s.go(Action::Timeout(A)).go(submit(0, A, 1));
    // (a) A leads term 2 and gets its entry at index 2 to B only, then crashes.
    s.mark();
    s.go(Action::Timeout(A))
        .go(Action::Partition(vec![vec![A, B]]))
        .go(submit(1, A, 2))
        .go(Action::Stop(A));
    // (b) E wins term 3 with C and D, takes a different entry at index 2 alone, and crashes.
    s.mark();
    s.go(Action::Partition(vec![vec![A, B], vec![C, D, E]]))
        .go(Action::Timeout(E))
        .go(Action::Partition(vec![vec![E]]))
        .go(submit(0, E, 3))
        .go(Action::Stop(E));
    // (c) A restarts and wins term 4 (C and D voted in term 3 already, so it takes two tries),
    // then replicates its term-2 entry to a majority.
    s.mark();
    s.go(Action::Heal)
        .go(Action::Restart(A))
        .go(Action::Timeout(A))
        .go(Action::Timeout(A));
    // (d) A crashes; E restarts and, with its term-3 entry, wins term 5 and overwrites index 2.
    s.mark();
    s.go(Action::Stop(A))
        .go(Action::Restart(E))
        .go(Action::Timeout(E))
        .go(Action::Timeout(E));
    Preset {
        slug: "figure8",
        switch: Some(SafetySwitch::CommitOldTermsByCounting),
        config: staged(5, SafetySwitch::CommitOldTermsByCounting),
        end_us: s.now + SECOND,
        actions: s.actions,
        marks: s.marks,
        when_broken: Outcome::Violates("Committed entries are durable"),
        when_safe: Outcome::Safe,
    }
}

/// A commits SET 5 with B while C is cut off; then A stops and C, missing that entry, campaigns.
fn vote_without_log_check() -> Preset {
    let mut s = Script::new();
    s.go(Action::Partition(vec![vec![C]]))
        .go(Action::Timeout(A))
        .go(submit(0, A, 5));
    s.mark();
    s.go(Action::Stop(A))
        .go(Action::Heal)
        .go(Action::Timeout(C))
        .go(Action::Timeout(C));
    Preset {
        slug: "vote-without-log-check",
        switch: Some(SafetySwitch::VoteWithoutLogCheck),
        config: staged(3, SafetySwitch::VoteWithoutLogCheck),
        end_us: s.now + SECOND,
        actions: s.actions,
        marks: s.marks,
        when_broken: Outcome::Violates("Leader Completeness"),
        when_safe: Outcome::Safe,
    }
}

/// C votes for A in term 1, restarts, and is asked by B for term 1.
fn forget_vote_on_restart() -> Preset {
    let mut s = Script::new();
    s.go(Action::CutLink(A, B)).go(Action::Timeout(A));
    s.mark();
    s.go(Action::Stop(C))
        .go(Action::Restart(C))
        .go(Action::Timeout(B));
    Preset {
        slug: "forget-vote-on-restart",
        switch: Some(SafetySwitch::ForgetVoteOnRestart),
        config: staged(3, SafetySwitch::ForgetVoteOnRestart),
        end_us: s.now + SECOND,
        actions: s.actions,
        marks: s.marks,
        when_broken: Outcome::Violates("Election Safety"),
        when_safe: Outcome::Safe,
    }
}

/// A, leader of term 1, logs SET 1 alone; B and C move on in term 2 with two entries; B is
/// re-elected in term 3, so its nextIndex for A starts past A's divergent entry; then A rejoins.
fn skip_prev_log_check() -> Preset {
    let mut s = Script::new();
    s.go(Action::Timeout(A))
        .go(Action::Partition(vec![vec![A]]))
        .go(submit(0, A, 1))
        .go(Action::Timeout(B))
        .go(submit(1, B, 2))
        .go(submit(1, B, 3))
        .go(Action::Timeout(B));
    s.mark();
    s.go(Action::Heal);
    Preset {
        slug: "skip-prev-log-check",
        switch: Some(SafetySwitch::SkipPrevLogCheck),
        config: staged(3, SafetySwitch::SkipPrevLogCheck),
        end_us: s.now + SECOND,
        actions: s.actions,
        marks: s.marks,
        when_broken: Outcome::Violates("Log Matching"),
        when_safe: Outcome::Safe,
    }
}

/// The 2015 bug in single-server membership changes (thesis §4.1): two changes made by leaders
/// of different terms, neither committed by the other, give configurations whose majorities do
/// not overlap, and each elects a leader in the same term.
fn membership_bug() -> Preset {
    let mut s = Script::new();
    // A leads term 1 over A..D and commits SET 1.
    s.go(Action::Timeout(A)).go(submit(0, A, 1));
    // E joins as a learner (stopped at once, so it cannot catch up yet); the learner entry
    // commits on A..D.
    s.with(Action::AddServer(E)).go(Action::Stop(E));
    s.mark();
    // Cut A and E off. E catches up from A alone and becomes a voter: A, B, C, D, E is in A's
    // and E's logs only.
    s.go(Action::Partition(vec![vec![A, E]]))
        .go(Action::Restart(E));
    s.mark();
    // B leads term 2 with C and D, then (D cut off too) removes A at once: B, C, D commits on
    // B and C. With the rule, B first has to commit an entry of term 2, which B and C alone
    // cannot do.
    s.go(Action::Timeout(B))
        .go(Action::Partition(vec![vec![A, E], vec![D]]))
        .go(Action::RemoveServer(A));
    s.mark();
    // Now A, D, E and B, C campaign apart: C wins term 3 with B (a majority of B, C, D) and A
    // (in term 2 now, from D) wins term 3 with D and E (a majority of A, B, C, D, E).
    s.go(Action::Partition(vec![vec![A, D, E]]))
        .go(Action::Timeout(C))
        .go(Action::Timeout(A));
    s.mark();
    let mut config = staged(4, SafetySwitch::ChangeBeforeOwnTermCommit);
    config.single_server_changes = true;
    Preset {
        slug: "membership-bug",
        switch: Some(SafetySwitch::ChangeBeforeOwnTermCommit),
        config,
        end_us: s.now + SECOND,
        actions: s.actions,
        marks: s.marks,
        when_broken: Outcome::Violates("Majorities overlap"),
        when_safe: Outcome::Safe,
    }
}

/// A server removed from the cluster keeps running; once it stops hearing heartbeats it times
/// out and campaigns in ever newer terms (§6).
fn removed_server() -> Preset {
    let mut s = Script::new();
    s.after(500 * MS, Action::RemoveServer(E));
    s.mark();
    s.after(600 * MS, Action::Heal);
    s.mark();
    let config = Config {
        cluster_size: 5,
        seed: 4,
        // A times out first and leads; E times out soonest of the rest once it is left out.
        election_timeout_override: vec![
            Some((150 * MS, 170 * MS)),
            Some((260 * MS, 300 * MS)),
            Some((260 * MS, 300 * MS)),
            Some((260 * MS, 300 * MS)),
            Some((180 * MS, 200 * MS)),
        ],
        safety: crate::raft::Safety {
            vote_despite_live_leader: true,
            ..Default::default()
        },
        ..Config::default()
    };
    Preset {
        slug: "removed-server",
        switch: Some(SafetySwitch::VoteDespiteLiveLeader),
        config,
        end_us: s.now + 2 * SECOND,
        actions: s.actions,
        marks: s.marks,
        when_broken: Outcome::Disrupted,
        when_safe: Outcome::OneLeader,
    }
}

/// A leader cut off from the cluster answers a read from its own state after a new leader has
/// committed a newer value (§8).
fn stale_read() -> Preset {
    let mut s = Script::new();
    s.go(Action::Timeout(A)).go(submit(0, A, 5));
    s.mark();
    s.go(Action::Partition(vec![vec![A]]))
        .go(Action::Timeout(C))
        .go(submit(1, C, 7));
    s.mark();
    s.go(Action::Submit {
        client: ClientId(0),
        node: A,
        command: Command::Get,
    });
    s.mark();
    let mut config = staged(5, SafetySwitch::ServeReadsLocally);
    // A client that gets no answer tries the next server soon, so the safe run ends with the
    // read answered by the new leader.
    config.client_retry_timeout_us = 300 * MS;
    Preset {
        slug: "stale-read",
        switch: Some(SafetySwitch::ServeReadsLocally),
        config,
        end_us: s.now + 2 * SECOND,
        actions: s.actions,
        marks: s.marks,
        when_broken: Outcome::Violates("Linearizable"),
        when_safe: Outcome::Safe,
    }
}

/// Five servers started together with identical, fixed timeouts and latencies.
fn livelock() -> Preset {
    let mut config = Config {
        cluster_size: 5,
        seed: 2,
        latency_min_us: 10 * MS,
        latency_max_us: 10 * MS,
        ..Config::default()
    };
    SafetySwitch::FixedElectionTimeout.set(&mut config.safety, true);
    Preset {
        slug: "livelock",
        switch: Some(SafetySwitch::FixedElectionTimeout),
        config,
        actions: Vec::new(),
        end_us: 5 * SECOND,
        marks: Vec::new(),
        when_broken: Outcome::NoLeader,
        when_safe: Outcome::Repaired,
    }
}

/// Figure 7 on seven servers: A is the leader at the top, B..G are followers (a)..(f). Message
/// latency is fixed at 10 ms so that the few quick cuts below (a new leader isolated right after
/// its election, before its first AppendEntries lands) happen at exact instants.
///
/// The world cannot be seeded with arbitrary logs, so the script builds them the way the paper
/// says such logs come about: leaders that crash or get cut off after logging entries.
fn figure7() -> Preset {
    let config = Config {
        cluster_size: 7,
        clients: 5,
        seed: 7,
        election_timeout_min_us: 20 * SECOND,
        election_timeout_max_us: 30 * SECOND,
        latency_min_us: 10 * MS,
        latency_max_us: 10 * MS,
        // A command a leader cannot commit is abandoned after 200 ms (and never resent), which
        // frees the client for the next command; committed ones are answered well within that.
        client_retry_timeout_us: 200 * MS,
        client_max_attempts: 1,
        ..Config::default()
    };
    let mut s = Script::new();
    let batch = |s: &mut Script, gap: Time, node: NodeId, values: &[i64]| {
        s.now += gap;
        for (c, v) in values.iter().enumerate() {
            s.with(submit(c as u16, node, *v));
        }
    };
    // Term 1: A leads; indices 1-3 reach everyone.
    s.after(0, Action::Timeout(A));
    batch(&mut s, 200 * MS, A, &[11, 12, 13]);
    // (f): G leads term 2, is cut off and logs 4-6; crashes, restarts quickly, wins term 3, is
    // cut off again before its first AppendEntries lands, logs 7-11, and crashes for good.
    s.after(400 * MS, Action::Timeout(G))
        .after(200 * MS, Action::Partition(vec![vec![G]]));
    batch(&mut s, 50 * MS, G, &[21, 22, 23]);
    s.after(300 * MS, Action::Stop(G))
        .after(50 * MS, Action::Heal)
        .with(Action::Restart(G))
        .with(Action::Timeout(G))
        .after(25 * MS, Action::Partition(vec![vec![G]]));
    batch(&mut s, 25 * MS, G, &[31, 32, 33, 34, 35]);
    s.after(300 * MS, Action::Stop(G));
    // (e) and (b): F leads term 4; index 4 reaches everyone, then C crashes; index 5 reaches
    // A, B, D, E; F is cut off, logs 6-7 alone and crashes.
    s.after(50 * MS, Action::Heal).with(Action::Timeout(F));
    batch(&mut s, 200 * MS, F, &[41]);
    s.after(300 * MS, Action::Stop(C));
    batch(&mut s, 50 * MS, F, &[42]);
    s.after(300 * MS, Action::Partition(vec![vec![F]]));
    batch(&mut s, 50 * MS, F, &[43, 44]);
    s.after(300 * MS, Action::Stop(F));
    // Term 5: A leads A, B, D, E (four of seven) and commits 6-7.
    s.after(50 * MS, Action::Heal).with(Action::Timeout(A));
    batch(&mut s, 200 * MS, A, &[51, 52]);
    // (a) and (c): D leads term 6 and commits 8-9; B crashes; 10 reaches A and E only; D is cut
    // off, logs 11 alone and crashes.
    s.after(300 * MS, Action::Timeout(D));
    batch(&mut s, 200 * MS, D, &[61, 62]);
    s.after(300 * MS, Action::Stop(B));
    batch(&mut s, 50 * MS, D, &[63]);
    s.after(300 * MS, Action::Partition(vec![vec![D]]));
    batch(&mut s, 50 * MS, D, &[64]);
    s.after(300 * MS, Action::Stop(D));
    // (d): E wins term 7 with A, B and C, is cut off before its first AppendEntries lands, logs
    // 11-12 alone and crashes.
    s.after(50 * MS, Action::Heal)
        .with(Action::Restart(B))
        .with(Action::Restart(C))
        .with(Action::Timeout(E))
        .after(25 * MS, Action::Partition(vec![vec![E]]));
    batch(&mut s, 25 * MS, E, &[71, 72]);
    s.after(300 * MS, Action::Stop(E));
    s.now += 50 * MS;
    s.mark();
    // A wins term 8 with B, C, F and G (D and E, with longer logs, would refuse), then every
    // server is back and A repairs them; its first term-8 entry commits everything before it.
    s.after(1000 * MS, Action::Heal)
        .with(Action::Restart(F))
        .with(Action::Restart(G))
        .with(Action::Timeout(A))
        .after(200 * MS, Action::Restart(D))
        .with(Action::Restart(E));
    s.mark();
    batch(&mut s, 300 * MS, A, &[81]);
    Preset {
        slug: "figure7",
        switch: None,
        config,
        end_us: s.now + SECOND,
        actions: s.actions,
        marks: s.marks,
        when_broken: Outcome::Repaired,
        when_safe: Outcome::Repaired,
    }
}
