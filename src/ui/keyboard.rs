//! Keyboard shortcuts. The help overlay lists them from the catalogue (`ui.shortcuts` in
//! `i18n/en.txt`, so that it can be translated): a key changed here is changed there too.

use crate::raft::NodeId;

use super::sandbox::{NodeVerb, UiCommand};

/// What the page is doing, which changes what some keys mean.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KeyContext {
    /// How many nodes there are (digits select only those).
    pub node_count: usize,
    /// The partition editor is open: Escape cancels it.
    pub editing_partition: bool,
    /// The guided tour is open: the arrow keys move between steps.
    pub touring: bool,
    /// The help overlay is open: Escape closes it.
    pub help_open: bool,
    /// The cluster-as-text dialog is open: Escape closes it.
    pub text_view_open: bool,
}

/// The command for a key press, if the key is a shortcut.
pub fn command_for_key(key: &str, context: KeyContext) -> Option<UiCommand> {
    let KeyContext {
        node_count,
        editing_partition,
        touring,
        help_open,
        text_view_open,
    } = context;
    let command = match key {
        "ArrowRight" if touring => UiCommand::TourNext,
        "ArrowLeft" if touring => UiCommand::TourBack,
        " " | "k" | "K" => UiCommand::TogglePlay,
        "." | "ArrowRight" => UiCommand::StepEvent,
        "," | "ArrowLeft" => UiCommand::StepBack,
        "s" | "S" => UiCommand::NodeAction(NodeVerb::Stop),
        "r" | "R" => UiCommand::NodeAction(NodeVerb::Restart),
        "t" | "T" => UiCommand::NodeAction(NodeVerb::Timeout),
        "l" | "L" => UiCommand::NodeAction(NodeVerb::TakeOver),
        "m" | "M" => UiCommand::NodeAction(NodeVerb::Membership),
        "p" | "P" => UiCommand::EditPartition,
        "h" | "H" => UiCommand::Heal,
        "?" => UiCommand::ToggleHelp,
        "v" | "V" => UiCommand::ToggleTextView,
        "n" | "N" => UiCommand::ToggleNarration,
        "Escape" if help_open => UiCommand::ToggleHelp,
        "Escape" if text_view_open => UiCommand::ToggleTextView,
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

    fn sandbox(node_count: usize) -> KeyContext {
        KeyContext {
            node_count,
            ..KeyContext::default()
        }
    }

    #[test]
    fn digits_select_only_existing_nodes() {
        assert!(command_for_key("3", sandbox(5)).is_some());
        assert!(command_for_key("6", sandbox(5)).is_none());
        assert!(command_for_key("0", sandbox(5)).is_none());
    }

    #[test]
    fn escape_closes_the_help_first_then_the_partition_editor_then_the_selection() {
        let help = KeyContext {
            help_open: true,
            editing_partition: true,
            ..sandbox(5)
        };
        assert_eq!(command_for_key("Escape", help), Some(UiCommand::ToggleHelp));
        let editing = KeyContext {
            editing_partition: true,
            ..sandbox(5)
        };
        assert_eq!(
            command_for_key("Escape", editing),
            Some(UiCommand::CancelPartition)
        );
        assert_eq!(
            command_for_key("Escape", sandbox(5)),
            Some(UiCommand::Select(None))
        );
    }

    #[test]
    fn unknown_keys_do_nothing() {
        for key in ["a", "Shift", "F5", "Tab", "é", ""] {
            assert_eq!(command_for_key(key, sandbox(5)), None, "{key}");
        }
    }

    #[test]
    fn arrows_move_through_the_tour_and_step_otherwise() {
        let touring = KeyContext {
            touring: true,
            ..sandbox(5)
        };
        assert_eq!(
            command_for_key("ArrowRight", touring),
            Some(UiCommand::TourNext)
        );
        assert_eq!(
            command_for_key("ArrowLeft", touring),
            Some(UiCommand::TourBack)
        );
        assert_eq!(
            command_for_key("ArrowRight", sandbox(5)),
            Some(UiCommand::StepEvent)
        );
        assert_eq!(
            command_for_key("ArrowLeft", sandbox(5)),
            Some(UiCommand::StepBack)
        );
    }
}
