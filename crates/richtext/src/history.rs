//! Undo and redo by snapshots. A snapshot is the block list, whose blocks are shared
//! (`Arc`), so it costs one pointer per block; an edited block is copied on write.

use super::model::{Block, Position, Selection};
use std::sync::Arc;

/// Steps kept; older ones are forgotten.
const MAX_STEPS: usize = 500;

#[derive(Clone, Debug)]
struct Step {
    blocks: Vec<Arc<Block>>,
    /// The selection before the edit (restored by undo) and after it (restored by redo).
    before: Selection,
    after: Selection,
}

/// Where typing would continue the current undo step.
#[derive(Clone, Copy, Debug)]
struct Typing {
    at: Position,
    /// The last char typed was whitespace: the next word starts a new step.
    after_space: bool,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct History {
    undo: Vec<Step>,
    redo: Vec<Step>,
    typing: Option<Typing>,
}

impl History {
    /// True when typing `text` at `at` belongs to the current step: contiguous with the last
    /// typed text, one line, and not the first char of a new word.
    pub(crate) fn continues_typing(&self, at: Position, text: &str) -> bool {
        let Some(t) = self.typing else { return false };
        let starts_word = text.starts_with(|c: char| !c.is_whitespace());
        let new_word = t.after_space && starts_word;
        t.at == at && !text.contains('\n') && !new_word && !self.undo.is_empty()
    }

    /// Records an edit: `blocks` is the state before it.
    pub(crate) fn push(&mut self, blocks: Vec<Arc<Block>>, before: Selection, after: Selection) {
        self.redo.clear();
        self.typing = None;
        if self.undo.len() == MAX_STEPS {
            self.undo.remove(0);
        }
        self.undo.push(Step {
            blocks,
            before,
            after,
        });
    }

    /// After an edit that was typing: remember where the next keystroke would continue it.
    pub(crate) fn typed(&mut self, end: Position, text: &str) {
        self.redo.clear();
        if let Some(step) = self.undo.last_mut() {
            step.after = Selection::caret(end);
        }
        self.typing = Some(Typing {
            at: end,
            after_space: text.ends_with(char::is_whitespace),
        });
    }

    pub(crate) fn break_group(&mut self) {
        self.typing = None;
    }

    pub(crate) fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub(crate) fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Swaps `current` with the last undo step; returns the selection to restore.
    pub(crate) fn undo(&mut self, current: &mut Vec<Arc<Block>>) -> Option<Selection> {
        let step = self.undo.pop()?;
        self.typing = None;
        let before = step.before;
        let previous = std::mem::replace(current, step.blocks);
        self.redo.push(Step {
            blocks: previous,
            before: step.before,
            after: step.after,
        });
        Some(before)
    }

    pub(crate) fn redo(&mut self, current: &mut Vec<Arc<Block>>) -> Option<Selection> {
        let step = self.redo.pop()?;
        self.typing = None;
        let after = step.after;
        let previous = std::mem::replace(current, step.blocks);
        self.undo.push(Step {
            blocks: previous,
            before: step.before,
            after: step.after,
        });
        Some(after)
    }
}
