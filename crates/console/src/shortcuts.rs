//! Every keyboard shortcut, once: the F1 sheet lists them, and controls show theirs in
//! their tooltip.

pub const ACCEPT: &str = "Alt+A";
pub const DECLINE: &str = "Alt+D";
pub const CHAT_N: &str = "Ctrl+1…9";
pub const ZOOM_IN: &str = "Ctrl+=";
pub const ZOOM_OUT: &str = "Ctrl+-";
pub const ZOOM_RESET: &str = "Ctrl+0";
pub const NEXT: &str = "Tab";
pub const PREVIOUS: &str = "Shift+Tab";
pub const ACTIVATE: &str = "Enter or Space";
pub const REGION: &str = "F6";
pub const REGION_BACK: &str = "Shift+F6";
pub const CLOSE: &str = "Esc";
pub const HELP: &str = "F1";
pub const ASK_HELP: &str = "Ctrl+Shift+H";
pub const SUPERVISOR: &str = "Ctrl+Shift+S";
pub const SEARCH: &str = "Ctrl+Shift+F";
pub const SEND: &str = "Enter (or Ctrl+Enter)";
pub const NEW_LINE: &str = "Shift+Enter";
pub const BOLD: &str = "Ctrl+B";
pub const ITALIC: &str = "Ctrl+I";
pub const UNDERLINE: &str = "Ctrl+U";
pub const STRIKE: &str = "Ctrl+Shift+X";
pub const CODE: &str = "Ctrl+Shift+C";
pub const LINK: &str = "Ctrl+K";
pub const UNDO: &str = "Ctrl+Z";
pub const REDO: &str = "Ctrl+Shift+Z or Ctrl+Y";

/// The F1 sheet: (keys, what they do), in groups.
pub const SHEET: &[(&str, &[(&str, &str)])] = &[
    (
        "Anywhere",
        &[
            (NEXT, "Move the focus to the next control"),
            (PREVIOUS, "Move the focus to the previous control"),
            (ACTIVATE, "Press the focused button or tab"),
            (
                REGION,
                "Next region: queues, offers, chats, conversation, screen pop",
            ),
            (REGION_BACK, "Previous region"),
            (
                CLOSE,
                "Close this sheet, a dialog or a menu; back to the Live Window tab",
            ),
            (HELP, "This sheet"),
            (ZOOM_IN, "Zoom in (up to 200%)"),
            (ZOOM_OUT, "Zoom out (down to 75%)"),
            (ZOOM_RESET, "Zoom back to 100%"),
        ],
    ),
    (
        "Offers and chats",
        &[
            (ACCEPT, "Accept the first incoming chat"),
            (DECLINE, "Decline the first incoming chat"),
            (CHAT_N, "Show your first to ninth chat"),
            (ASK_HELP, "Ask a supervisor for help with the chat in view"),
            (SUPERVISOR, "The Supervisor tab (supervisors)"),
            (SEARCH, "Search earlier conversations"),
        ],
    ),
    (
        "The composer",
        &[
            (SEND, "Send (as set by Enter sends)"),
            (NEW_LINE, "New line or list item"),
            (BOLD, "Bold"),
            (ITALIC, "Italic"),
            (UNDERLINE, "Underline"),
            (STRIKE, "Strikethrough"),
            (CODE, "Code"),
            (LINK, "Add, edit or remove a link"),
            (UNDO, "Undo"),
            (REDO, "Redo"),
        ],
    ),
];
