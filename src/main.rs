//! The browser entry point: install the panic hook and start the Yew renderer.

// Talc instead of Rust's default wasm allocator (dlmalloc): about as fast or faster for the
// simulation's many small allocations, and smaller in the bundle, which has a size budget
// (scripts/size_check).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    raftsim::ui::start();
}
