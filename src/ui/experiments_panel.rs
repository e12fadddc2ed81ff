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

use crate::i18n::Catalogue;
use crate::sim::experiment::{to_csv, ExperimentRun, ExperimentSpec, SeriesResult};
use crate::sim::Words;

use super::event_list::{command_of, escape, markup, say_with};
use super::frame_probe::now_ms;
use super::hooks::{use_animation_frame, use_state_from};
use super::{language, lesson_fetch, say, words_markup};

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

/// The page's words: not yet come, the catalogue, or why it could not be fetched (in English:
/// there is no catalogue to say it in).
type PageWords = Option<Result<Rc<Catalogue>, String>>;

/// The Experiments page: a header that leads back to the simulator, and the panel. The page's
/// `theme` and `lang` parameters work as on the simulator's page: the words come from the
/// catalogue of the reader's language (`i18n/<lang>.txt`, next to the page), and until they
/// have come the page shows no words rather than English.
#[component]
pub fn ExperimentsPage() -> Html {
    let url = use_memo((), |_| {
        let query = super::app::page_query();
        let theme = super::params::parse_query(&query).0.theme;
        (
            theme,
            super::app::page_language(),
            language::chosen_in(&query),
        )
    });
    let (theme, (lang, unknown), chosen) = *url;
    use_effect_with(theme, |theme| super::app::apply_theme(*theme));
    let words = use_state_from(PageWords::None);
    {
        let words = words.clone();
        use_effect_with((), move |_| {
            lesson_fetch::fetch_catalogue(lang, move |result| {
                words.set(Some(result.map(|text| {
                    let catalogue = Catalogue::parse(&text);
                    language::use_decimal_mark(&catalogue);
                    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
                        document.set_title(&say(Some(&catalogue), "exp.title"));
                    }
                    Rc::new(catalogue)
                })));
            });
        });
    }
    // The language menu's links (`ui.language-menu`) open this page again in that language,
    // with its other parameters.
    let on_language = Callback::from(|e: MouseEvent| {
        if let (Some(code), Some(location)) = (
            command_of(&e).strip_prefix("lang-").map(str::to_string),
            web_sys::window().map(|w| w.location()),
        ) {
            e.prevent_default();
            let query = super::app::page_query();
            let _ = location.replace(&language::with_language(&query, &code));
        }
    });
    // Back to the simulator in the language chosen here, if one was (else the browser's).
    let simulator = match chosen {
        Some(code) => format!("../?lang={code}"),
        None => "../".to_string(),
    };
    let catalogue = match &*words {
        Some(Ok(catalogue)) => Some(catalogue.clone()),
        _ => None,
    };
    let w = catalogue.as_deref();
    html! {
        <div class="app" data-testid="app">
            <header class="app-header" onclick={on_language}>
                <h1 class="brand" data-testid="brand">{ "raftsim" }</h1>
                if w.is_some() {
                    <p class="tagline">{ say(w, "exp.tagline") }</p>
                    <a class="btn" data-testid="btn-simulator" href={simulator}>{ say(w, "exp.back") }</a>
                    { words_markup(w, "ui.language-menu") }
                }
            </header>
            if let Some(Err(reason)) = &*words {
                // The one sentence in English: without the catalogue there are no other words to
                // say it in (as on the simulator's page).
                <div class="error-banner" data-testid="error-banner" role="alert">
                    <p>{ format!("The page's words could not be loaded: {reason}.") }</p>
                </div>
            }
            if unknown && w.is_some() {
                <div class="error-banner" data-testid="error-banner" role="alert">
                    <p>{ say(w, "param.lang") }</p>
                </div>
            }
            if let Some(words) = catalogue {
                <main class="layout single"><ExperimentsPanel {words} /></main>
            }
        </div>
    }
}

/// Props of [`ExperimentsPanel`].
#[derive(Properties, PartialEq)]
pub struct ExperimentsPanelProps {
    /// The page's words (the panel shows once they have come).
    pub words: Rc<Catalogue>,
}

/// The panel.
#[component]
pub fn ExperimentsPanel(props: &ExperimentsPanelProps) -> Html {
    let w = Some(&*props.words);
    let graph = use_state(|| Graph::Top);
    let trials = use_state(|| 200usize);
    let running: Rc<RefCell<Option<Running>>> = use_mut_ref(|| None);
    let redraw = use_force_update();
    let error = use_state_from(None::<Words>);

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
                Err(e) => error.set(Some(e.words())),
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

    // How far the run is: "{done} of {total} trials, …".
    let status = progress.map(|(done, total, finished, elapsed_ms)| {
        let line = say_with(
            w,
            "exp.progress",
            &[
                ("done", &done),
                ("total", &total),
                ("seconds", &shown(elapsed_ms / 1000.0, 1)),
                ("rate", &fixed(speed, 0)),
            ],
        );
        if finished {
            say_with(w, "exp.finished", &[("progress", &line)])
        } else {
            line
        }
    });

    html! {
        <section class="panel experiments" data-testid="experiments" aria-label={say(w, "exp.name")}>
            <div class="panel-head"><h2>{ say(w, "exp.heading") }</h2></div>
            <p class="hint">{ say(w, "exp.intro") }</p>
            <div class="settings-grid">
                <label class="field small"><span>{ say(w, "exp.graph") }</span>
                    <select data-testid="experiment-graph" onchange={on_graph} disabled={active}>
                        <option value="top" selected={*graph == Graph::Top}>{ say(w, "exp.graph-top") }</option>
                        <option value="bottom" selected={*graph == Graph::Bottom}>{ say(w, "exp.graph-bottom") }</option>
                    </select>
                </label>
                <label class="field small"><span>{ say(w, "exp.trials") }</span>
                    <select data-testid="experiment-trials" onchange={on_trials} disabled={active}>
                        { for [50usize, 200, 1000].iter().map(|n| html! {
                            <option value={n.to_string()} selected={*n == *trials}>{ n }</option>
                        }) }
                    </select>
                </label>
                if active {
                    <button class="btn" data-testid="experiment-stop" onclick={stop}>{ say(w, "exp.stop") }</button>
                } else {
                    <button class="btn primary" data-testid="experiment-run" onclick={start}>{ say(w, "exp.run") }</button>
                }
                if let Some(href) = csv_href {
                    <a class="btn" data-testid="experiment-csv" href={href} download="raftsim-figure16.csv">{ say(w, "exp.csv") }</a>
                }
            </div>
            if let Some(reason) = &*error {
                <p class="hint warn">{ say_with(w, "exp.cannot-run", &[("error", &reason.render(w))]) }</p>
            }
            if let (Some((done, total, finished, _)), Some(status)) = (progress, status) {
                <div class="progress-row">
                    <progress data-testid="experiment-progress" max={total.to_string()} value={done.to_string()}></progress>
                    <span data-testid="experiment-status" data-done={done.to_string()} data-total={total.to_string()}
                          data-finished={finished.to_string()} data-trials-per-second={fixed(speed, 0)}>
                        { status }
                    </span>
                </div>
            }
            { cdf_chart(&results, shown_graph, w) }
            { summary_table(&results, w) }
        </section>
    }
}

const CHART_W: f64 = 640.0;
const CHART_H: f64 = 320.0;
const MARGIN_L: f64 = 48.0;
const MARGIN_B: f64 = 36.0;
const MARGIN_T: f64 = 12.0;
// Room for half the last tick's label ("600 ms", "100 s"), centred on the axis' end.
const MARGIN_R: f64 = 24.0;

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

fn cdf_chart(results: &[SeriesResult], graph: Graph, w: Option<&Catalogue>) -> Html {
    let ticks: Vec<(f64, String)> = match graph {
        Graph::Top => vec![
            (100.0, "100 ms".into()),
            (1000.0, "1 s".into()),
            (10_000.0, "10 s".into()),
            (100_000.0, "100 s".into()),
        ],
        Graph::Bottom => (0..=6)
            .map(|i| (f64::from(i) * 100.0, format!("{} ms", i * 100)))
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
             aria-label={say(w, "exp.chart-label")}>
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
                <text class="tick" x={short(MARGIN_L - 6.0)} y={short(y_of(*f) + 4.0)} text-anchor="end">{ say_with(w, "exp.percent", &[("n", &fixed(f * 100.0, 0))]) }</text>
            }) }
            <text class="tick" x={short((CHART_W + MARGIN_L) / 2.0)} y={short(CHART_H - 4.0)} text-anchor="middle">{ say(w, "exp.x-axis") }</text>
            { for lines }
        </svg>
        <ul class="chart-legend-list" aria-label={say(w, "exp.curves")}>{ for legend }</ul>
        </>
    }
}

/// A number shown to the reader, with `places` decimals and the reader's decimal mark ("2,5" in
/// Spanish); [`fixed`] writes the point that drawing coordinates need.
fn shown(value: f64, places: usize) -> String {
    fixed(value, places).replace('.', &language::decimal_mark().to_string())
}

/// An SVG polyline point with one decimal.
fn point(x: f64, y: f64) -> String {
    format!("{},{}", fixed(x, 1), fixed(y, 1))
}

/// The results as a table, written as markup: its column heads are the catalogue's
/// (`exp.table-head`, cells of a row that `html!` could not take as markup).
fn summary_table(results: &[SeriesResult], w: Option<&Catalogue>) -> Html {
    let ms = |v: Option<f64>| v.map(|x| fixed(x, 0)).unwrap_or_else(|| "—".into());
    let rows: String = results
        .iter()
        .map(|r| {
            let label = escape(&r.label);
            format!(
                "<tr data-series=\"{label}\"><th scope=\"row\">{label}</th><td>{}</td><td>{}</td>\
                 <td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                r.trials.len(),
                ms(r.p50_ms),
                ms(r.p95_ms),
                ms(r.max_ms),
                r.multi_term,
                r.censored
            )
        })
        .collect();
    // In a region of its own that scrolls sideways on a narrow screen (reachable by keyboard).
    markup(format!(
        "<div class=\"table-scroll\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">\
         <table class=\"facts experiment-table\" data-testid=\"experiment-table\"><thead><tr>{}</tr></thead>\
         <tbody>{rows}</tbody></table></div>",
        say(w, "exp.results"),
        say(w, "exp.table-head")
    ))
}
