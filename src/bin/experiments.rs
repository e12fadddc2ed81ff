//! The Experiments page's entry point (`experiments/`): the paper's Figure 16 measurements, in a
//! page of their own so that the simulator's page does not carry their code (its size budget is
//! in scripts/size_check).

// The same allocator as the simulator's page (see main.rs).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    raftsim::ui::start_experiments();
}
