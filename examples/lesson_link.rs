//! Prints the link that carries a lesson file inside it (`?lesson=inline:…`), for a teacher who
//! cannot put the file on a web site, after checking the lesson as the page will.
//!
//! Usage: `cargo run --example lesson_link -- my-lesson.txt [https://example.org/raftsim/]`

use raftsim::scenario::lesson;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: lesson_link LESSON-FILE [APP-ADDRESS]");
        std::process::exit(2);
    };
    let base = args.next().unwrap_or_else(|| "./".to_string());
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = lesson::load(&text) {
        eprintln!("{path}: {e}");
        std::process::exit(1);
    }
    println!("{base}?lesson={}", lesson::link::encode(&text));
}
