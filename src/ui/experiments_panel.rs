//! The Experiments panel: runs many trials of one question in the background and plots the
//! answer. The first question is the paper's Figure 16: how long a cluster is without a leader
//! after the leader crashes, for several election-timeout ranges.
//!
//! Trials run in slices on animation frames, a few milliseconds at a time, so the page never
//! freezes; the chart and the progress bar update as results come in.

use crate::decimal::{fixed, short};
use std::cell::RefCell;
use std::rc::Rc;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::sim::experiment::{to_csv, ExperimentRun, ExperimentSpec, SeriesResult};

use super::frame_probe::now_ms;
use super::hooks::{use_animation_frame, use_state_from};

/// How long one animation frame may spend on trials, in milliseconds.
const SLICE_BUDGET_MS: f64 = 10.0;
/// Events per call to the runner between two checks of the clock.
const EVENTS_PER_CALL: u64 = 2_000;

/// Which graph of Figure 16.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Graph {
    /// Timeouts 150–150 up to 150–300 ms: how much randomness is enough.
    Top,
    /// Timeouts 12–24 up to 150–300 ms: how fast elections can be.
    Bottom,
}

impl Graph {
    fn spec(self, trials: usize) -> ExperimentSpec {
        let mut spec = match self {
            Graph::Top => ExperimentSpec::figure16_top(),
            Graph::Bottom => ExperimentSpec::figure16_bottom(),
        };
        spec.trials_per_series = trials;
        spec
    }
}

/// A running or finished experiment, with the wall time it has taken.
struct Running {
    run: ExperimentRun,
    graph: Graph,
    elapsed_ms: f64,
}

/// The Experiments page: a header that leads back to the simulator, and the panel. The page's
/// `theme` parameter works as on the simulator's page.
#[component]
pub fn ExperimentsPage() -> Html {
    let theme = use_memo((), |_| {
        super::params::parse_query(&super::app::page_query())
            .0
            .theme
    });
    use_effect_with(*theme, |theme| super::app::apply_theme(*theme));
    html! {
        <div class="app" data-testid="app">
            <header class="app-header">
                <h1 class="brand" data-testid="brand">{ "raftsim" }</h1>
                <p class="tagline">{ "Experiments: the paper's election measurements, on the simulator." }</p>
                <a class="btn" data-testid="btn-simulator" href="../">{ "◂ Simulator" }</a>
            </header>
            <main class="layout single"><ExperimentsPanel /></main>
        </div>
    }
}

/// The panel.
#[component]
pub fn ExperimentsPanel() -> Html {
    let graph = use_state(|| Graph::Top);
    let trials = use_state(|| 200usize);
    let running: Rc<RefCell<Option<Running>>> = use_mut_ref(|| None);
    let redraw = use_force_update();
    let error = use_state_from(None::<String>);

    let active = running
        .borrow()
        .as_ref()
        .is_some_and(|r| !r.run.is_finished());
    let on_frame = {
        let running = running.clone();
        let redraw = redraw.clone();
        Callback::from(move |_: f64| {
            let Some(start) = now_ms() else {
                return;
            };
            if let Some(r) = running.borrow_mut().as_mut() {
                loop {
                    let progress = r.run.run_events(EVENTS_PER_CALL);
                    let spent = now_ms().map(|t| t - start).unwrap_or(SLICE_BUDGET_MS);
                    if progress.finished || spent >= SLICE_BUDGET_MS {
                        r.elapsed_ms += spent;
                        break;
                    }
                }
            }
            redraw.force_update();
        })
    };
    use_animation_frame(active, on_frame);

    let start = {
        let running = running.clone();
        let graph = graph.clone();
        let trials = trials.clone();
        let redraw = redraw.clone();
        let error = error.clone();
        Callback::from(move |_: MouseEvent| {
            match ExperimentRun::new(graph.spec(*trials)) {
                Ok(run) => {
                    *running.borrow_mut() = Some(Running {
                        run,
                        graph: *graph,
                        elapsed_ms: 0.0,
                    });
                    error.set(None);
                }
                Err(e) => error.set(Some(format!(
                    "Cannot run this experiment: {}.",
                    e.words().key
                ))),
            }
            redraw.force_update();
        })
    };
    let stop = {
        let running = running.clone();
        let redraw = redraw.clone();
        Callback::from(move |_: MouseEvent| {
            *running.borrow_mut() = None;
            redraw.force_update();
        })
    };
    let on_graph = {
        let graph = graph.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            graph.set(if select.value() == "bottom" {
                Graph::Bottom
            } else {
                Graph::Top
            });
        })
    };
    let on_trials = {
        let trials = trials.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(n) = select.value().parse::<usize>() {
                trials.set(n);
            }
        })
    };

    let state = running.borrow();
    let (results, progress, speed, shown_graph) = match state.as_ref() {
        Some(r) => {
            let (done, total) = r.run.progress();
            let per_second = if r.elapsed_ms > 0.0 {
                done as f64 / (r.elapsed_ms / 1000.0)
            } else {
                0.0
            };
            (
                r.run.results(),
                Some((done, total, r.run.is_finished(), r.elapsed_ms)),
                per_second,
                r.graph,
            )
        }
        None => (Vec::new(), None, 0.0, *graph),
    };
    let csv_href = progress.filter(|(_, _, finished, _)| *finished).map(|_| {
        format!(
            "data:text/csv;charset=utf-8,{}",
            js_sys::encode_uri_component(&to_csv(&results))
        )
    });

    html! {
        <section class="panel experiments" data-testid="experiments" aria-label="Experiments">
            <div class="panel-head"><h2>{ "Experiments: how long is a cluster without a leader?" }</h2></div>
            <p class="hint">
                { "The paper's Figure 16: five servers, a leader crashes, and we time how long until a new one is elected. \
                   Each curve is one election-timeout range; a curve that rises early and steeply means fast, reliable elections. \
                   Equal timeouts (150–150 ms) split the vote again and again." }
            </p>
            <div class="settings-grid">
                <label class="field small"><span>{ "Graph" }</span>
                    <select data-testid="experiment-graph" onchange={on_graph} disabled={active}>
                        <option value="top" selected={*graph == Graph::Top}>{ "Randomness (150–150 … 150–300 ms)" }</option>
                        <option value="bottom" selected={*graph == Graph::Bottom}>{ "Speed (12–24 … 150–300 ms)" }</option>
                    </select>
                </label>
                <label class="field small"><span>{ "Trials per curve" }</span>
                    <select data-testid="experiment-trials" onchange={on_trials} disabled={active}>
                        { for [50usize, 200, 1000].iter().map(|n| html! {
                            <option value={n.to_string()} selected={*n == *trials}>{ n }</option>
                        }) }
                    </select>
                </label>
                if active {
                    <button class="btn" data-testid="experiment-stop" onclick={stop}>{ "Stop" }</button>
                } else {
                    <button class="btn primary" data-testid="experiment-run" onclick={start}>{ "Run" }</button>
                }
                if let Some(href) = csv_href {
                    <a class="btn" data-testid="experiment-csv" href={href} download="raftsim-figure16.csv">{ "Export CSV" }</a>
                }
            </div>
            if let Some(message) = (*error).clone() {
                <p class="hint warn">{ message }</p>
            }
            if let Some((done, total, finished, elapsed_ms)) = progress {
                <div class="progress-row">
                    <progress data-testid="experiment-progress" max={total.to_string()} value={done.to_string()}></progress>
                    <span data-testid="experiment-status" data-done={done.to_string()} data-total={total.to_string()}
                          data-finished={finished.to_string()} data-trials-per-second={fixed(speed, 0)}>
                        { format!("{done} of {total} trials, {} s, {} trials/s{}", fixed(elapsed_ms / 1000.0, 1), fixed(speed, 0),
                                  if finished { " — done" } else { "" }) }
                    </span>
                </div>
            }
            { cdf_chart(&results, shown_graph) }
            { summary_table(&results) }
        </section>
    }
}

const CHART_W: f64 = 640.0;
const CHART_H: f64 = 320.0;
const MARGIN_L: f64 = 48.0;
const MARGIN_B: f64 = 36.0;
const MARGIN_T: f64 = 12.0;
const MARGIN_R: f64 = 12.0;

/// The x axis: log scale to 100 s for the randomness graph, linear to 600 ms for the speed graph,
/// as in the paper.
fn x_of(graph: Graph, ms: f64) -> f64 {
    let width = CHART_W - MARGIN_L - MARGIN_R;
    let fraction = match graph {
        Graph::Top => ((ms.max(100.0)).log10() - 2.0) / 3.0,
        Graph::Bottom => ms / 600.0,
    };
    MARGIN_L + width * fraction.clamp(0.0, 1.0)
}

fn y_of(fraction: f64) -> f64 {
    let height = CHART_H - MARGIN_T - MARGIN_B;
    MARGIN_T + height * (1.0 - fraction.clamp(0.0, 1.0))
}

fn cdf_chart(results: &[SeriesResult], graph: Graph) -> Html {
    let ticks: Vec<(f64, String)> = match graph {
        Graph::Top => vec![
            (100.0, "100ms".into()),
            (1000.0, "1s".into()),
            (10_000.0, "10s".into()),
            (100_000.0, "100s".into()),
        ],
        Graph::Bottom => (0..=6)
            .map(|i| (f64::from(i) * 100.0, format!("{}ms", i * 100)))
            .collect(),
    };
    let lines = results.iter().filter(|r| !r.cdf.is_empty()).map(|r| {
        // A step function: each sample raises the curve at its time.
        let mut points = vec![point(x_of(graph, 0.0), y_of(0.0))];
        let mut previous = 0.0;
        for p in &r.cdf {
            let x = x_of(graph, p.time_ms);
            points.push(point(x, y_of(previous)));
            points.push(point(x, y_of(p.fraction)));
            previous = p.fraction;
        }
        points.push(point(CHART_W - MARGIN_R, y_of(previous)));
        html! {
            <polyline class={classes!("cdf-line", format!("series-{}", r.series % 8))} points={points.join(" ")}>
                <title>{ r.label.clone() }</title>
            </polyline>
        }
    });
    let legend = results.iter().map(|r| {
        html! {
            <li class={format!("series-{}", r.series % 8)}><span class="swatch"></span>{ r.label.clone() }</li>
        }
    });
    let view_box = format!("0 0 {} {}", short(CHART_W), short(CHART_H));
    html! {
        <>
        <svg class="cdf-chart" data-testid="experiment-chart" viewBox={view_box} role="img"
             aria-label="Cumulative share of trials with a new leader, against time without a leader">
            <line class="axis" x1={short(MARGIN_L)} x2={short(CHART_W - MARGIN_R)} y1={short(y_of(0.0))} y2={short(y_of(0.0))} />
            <line class="axis" x1={short(MARGIN_L)} x2={short(MARGIN_L)} y1={short(y_of(0.0))} y2={short(y_of(1.0))} />
            { for ticks.iter().map(|(ms, label)| {
                let x = x_of(graph, *ms);
                html! { <>
                    <line class="grid" x1={short(x)} x2={short(x)} y1={short(y_of(0.0))} y2={short(y_of(1.0))} />
                    <text class="tick" x={short(x)} y={short(y_of(0.0) + 16.0)} text-anchor="middle">{ label.clone() }</text>
                </> }
            }) }
            { for [0.0, 0.25, 0.5, 0.75, 1.0].iter().map(|f| html! {
                <text class="tick" x={short(MARGIN_L - 6.0)} y={short(y_of(*f) + 4.0)} text-anchor="end">{ format!("{}%", fixed(f * 100.0, 0)) }</text>
            }) }
            <text class="tick" x={short((CHART_W + MARGIN_L) / 2.0)} y={short(CHART_H - 4.0)} text-anchor="middle">{ "time without a leader" }</text>
            { for lines }
        </svg>
        <ul class="chart-legend-list" aria-label="Curves">{ for legend }</ul>
        </>
    }
}

/// An SVG polyline point with one decimal.
fn point(x: f64, y: f64) -> String {
    format!("{},{}", fixed(x, 1), fixed(y, 1))
}

fn summary_table(results: &[SeriesResult]) -> Html {
    let ms = |v: Option<f64>| v.map(|x| fixed(x, 0)).unwrap_or_else(|| "—".into());
    html! {
        <table class="facts experiment-table" data-testid="experiment-table">
            <thead><tr>
                <th>{ "timeouts" }</th><th>{ "trials" }</th><th>{ "median ms" }</th><th>{ "p95 ms" }</th>
                <th>{ "max ms" }</th><th title="elections that needed more than one term">{ "split" }</th>
                <th title="no leader within the cap">{ "gave up" }</th>
            </tr></thead>
            <tbody>
                { for results.iter().map(|r| html! {
                    <tr data-series={r.label.clone()}>
                        <th scope="row">{ r.label.clone() }</th>
                        <td>{ r.trials.len() }</td>
                        <td>{ ms(r.p50_ms) }</td>
                        <td>{ ms(r.p95_ms) }</td>
                        <td>{ ms(r.max_ms) }</td>
                        <td>{ r.multi_term }</td>
                        <td>{ r.censored }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}
