//! How many Tabs the seed workflow takes between its controls: the simulator's keyboard test
//! (tests/accessibility_ui.rs) presses these and checks where the focus lands, and the real
//! window's (tests/window_keyboard.rs), which cannot see the focus, presses the same. A
//! control added to the chain changes a count: the simulator's test says which.

/// From the screen pop's first tab (Accounts) to its Assets tab.
pub const TO_ASSETS: usize = 2;
/// From the Assets tab to the first asset's Open.
pub const TO_OPEN: usize = 3;
/// From an asset's first field (Product) to its Status list.
pub const TO_STATUS: usize = 2;
/// From the Status list to Save.
pub const TO_SAVE: usize = 1;
/// From the composer, round the window, to the chat's Transfer.
pub const TO_TRANSFER: usize = 24;
/// From the Transfer dialog's first queue to Confirm transfer.
pub const TO_CONFIRM: usize = 4;
/// From the composer of a chat just verified, round the window, to End chat.
pub const TO_END_CHAT: usize = 12;
/// From the wrap-up's disposition list to Done.
pub const TO_DONE: usize = 2;
