//! The cluster as a table of text (key V): each server's role, term, commit index and newest log
//! entries, for a screen reader, or for anyone who would rather read than look at the ring.

use std::fmt::Write;

use super::say;
use crate::i18n::Catalogue;
use crate::sim::World;

/// Log entries listed per server (the newest): the table stays short enough to read aloud.
const ENTRIES: usize = 8;

/// The table's markup, in the catalogue's words (`ui.text-*`, `role.*`). Written as text rather
/// than with `html!` (each element of which compiles to code of its own): every cell is a name,
/// a number, a command or a catalogue word, none of it typed by anyone.
pub fn cluster_text(world: &World, words: Option<&Catalogue>) -> String {
    let mut markup = format!(
        "<table class=\"cluster-text\" data-testid=\"cluster-text\"><thead><tr>{}</tr></thead><tbody>",
        say(words, "ui.text-head")
    );
    for node in world.nodes() {
        let role = node.state_name();
        let _ = write!(
            markup,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>",
            node.id(),
            say(words, &format!("role.{role}")),
            node.term(),
            node.commit_index()
        );
        let entries = node.entries();
        // "3: T2 SET 5 ✓": index, term, command, and a tick once committed.
        for (n, e) in entries
            .range(entries.len().saturating_sub(ENTRIES)..)
            .iter()
            .enumerate()
        {
            let mark = if e.index <= node.commit_index() {
                " ✓"
            } else {
                ""
            };
            let comma = if n > 0 { ", " } else { "" };
            let _ = write!(
                markup,
                "{comma}{}: T{} {}{mark}",
                e.index, e.term, e.command
            );
        }
        markup += "</td></tr>";
    }
    markup + "</tbody></table>"
}
