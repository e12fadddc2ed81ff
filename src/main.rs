//! The browser entry point: install the panic hook and start the Yew renderer.

fn main() {
    raftsim::ui::start();
}
