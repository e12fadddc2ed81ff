//! Keyboard shortcuts: one table that both the key handler and the help overlay read, so the
//! help can never disagree with what the keys do.

use crate::raft::NodeId;

use super::sandbox::{NodeVerb, UiCommand};

/// The shortcuts, as (keys shown in the help, what they do).
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Space or K", "play or pause"),
    (". or →", "step to the next event"),
    ("1 – 9", "select node A – I"),
    ("S", "stop the selected node"),
    ("R", "restart the selected node"),
    ("T", "make the selected node time out"),
    ("Enter (in the command box)", "send the client command"),
    ("P", "open the partition editor"),
    ("H", "heal the network"),
    ("Esc", "clear the selection, close dialogs"),
    ("?", "show or hide this help"),
];

/// The command for a key press, if the key is a shortcut. `editing_partition` changes what
/// Escape does.
pub fn command_for_key(key: &str, node_count: usize, editing_partition: bool) -> Option<UiCommand> {
    let command = match key {
        " " | "k" | "K" => UiCommand::TogglePlay,
        "." | "ArrowRight" => UiCommand::StepEvent,
        "s" | "S" => UiCommand::NodeAction(NodeVerb::Stop),
        "r" | "R" => UiCommand::NodeAction(NodeVerb::Restart),
        "t" | "T" => UiCommand::NodeAction(NodeVerb::Timeout),
        "p" | "P" => UiCommand::EditPartition,
        "h" | "H" => UiCommand::Heal,
        "?" => UiCommand::ToggleHelp,
        "Escape" if editing_partition => UiCommand::CancelPartition,
        "Escape" => UiCommand::Select(None),
        digit if digit.len() == 1 && digit.as_bytes()[0].is_ascii_digit() => {
            let n = usize::from(digit.as_bytes()[0] - b'0');
            if n == 0 || n > node_count {
                return None;
            }
            UiCommand::Select(Some(super::sandbox::Selection::Node(NodeId((n - 1) as u8))))
        }
        _ => return None,
    };
    Some(command)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_select_only_existing_nodes() {
        assert!(command_for_key("3", 5, false).is_some());
        assert!(command_for_key("6", 5, false).is_none());
        assert!(command_for_key("0", 5, false).is_none());
    }

    #[test]
    fn unknown_keys_do_nothing() {
        for key in ["a", "Shift", "F5", "Tab", "é", ""] {
            assert_eq!(command_for_key(key, 5, false), None, "{key}");
        }
    }
}
