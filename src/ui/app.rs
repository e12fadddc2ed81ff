//! The top-level component: the page shell that holds the header and the cluster area.

use yew::prelude::*;

/// The whole page.
#[component]
pub fn App() -> Html {
    html! {
        <div class="app" data-testid="app">
            <header class="app-header">
                <h1 class="brand" data-testid="brand">{ "raftsim" }</h1>
                <p class="tagline">{ "Watch Raft consensus work, one message at a time." }</p>
            </header>
            <main class="app-main">
                <section class="cluster-area" data-testid="cluster" aria-label="Cluster">
                    <svg class="cluster-svg" viewBox="0 0 400 400" role="img" aria-label="Cluster view" />
                </section>
            </main>
        </div>
    }
}
