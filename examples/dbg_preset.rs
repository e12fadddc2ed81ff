fn main() {
    let slug = std::env::args().nth(1).unwrap();
    let broken = std::env::args().nth(2).as_deref() == Some("broken");
    let p = raftsim::scenario::presets::preset(&slug).unwrap();
    let w = p.build_with(broken).unwrap();
    for e in w.trace() {
        let d = e.kind.describe();
        if d.contains("became") || d.contains("asked") || d.contains("change") || d.contains("violated") || d.contains("network") || d.contains("stopped") || d.contains("restarted") || d.contains("voted") || d.contains("refused") {
            println!("{:>8} {}", e.at / 1000, d);
        }
    }
}
