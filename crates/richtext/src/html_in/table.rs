//! Tables: rows and cells of a `<table>`; a table nested in a cell is flattened into its text.

use super::convert::{Converter, Frame, Tag};
use super::inline::Inline;
use crate::model::{Block, Cell, Table};
use ego_tree::NodeId;

/// Most table cells kept from one paste.
pub(super) const MAX_CELLS: usize = 50_000;

pub(super) struct CellBuilder {
    pub(super) inline: Inline,
    pub(super) colspan: u32,
    pub(super) rowspan: u32,
    pub(super) header: bool,
}

pub(super) struct TableBuilder {
    pub(super) node: NodeId,
    pub(super) keep: bool,
    pub(super) rows: Vec<Vec<Cell>>,
    pub(super) row: Option<Vec<Cell>>,
    pub(super) cell: Option<CellBuilder>,
    /// Tables nested inside a cell are flattened into its text.
    pub(super) nested: u32,
    pub(super) caption: bool,
}

impl Converter<'_, '_> {
    pub(super) fn open_table(&mut self, frame: &mut Frame) {
        frame.tag = Tag::Table;
        if let Some(t) = &mut self.table {
            t.nested += 1;
            if let Some(c) = &mut t.cell {
                c.inline.soft_break();
            }
            return;
        }
        self.flush();
        self.table = Some(TableBuilder {
            node: frame.node,
            keep: self.inside,
            rows: Vec::new(),
            row: None,
            cell: None,
            nested: 0,
            caption: false,
        });
    }

    pub(super) fn close_table(&mut self, node: NodeId) {
        match &mut self.table {
            Some(t) if t.node != node => {
                t.nested = t.nested.saturating_sub(1);
                if let Some(c) = &mut t.cell {
                    c.inline.soft_break();
                }
            }
            Some(_) => self.finish_table(),
            None => {}
        }
    }

    pub(super) fn finish_table(&mut self) {
        self.close_row();
        let Some(t) = self.table.take() else { return };
        let has_text = t.rows.iter().flatten().any(|c| !c.runs.is_empty());
        if t.keep && has_text {
            self.push_block(Block::Table(Table { rows: t.rows }));
        }
    }

    pub(super) fn open_row(&mut self, frame: &mut Frame) {
        frame.tag = Tag::Row;
        let Some(t) = &mut self.table else { return };
        if t.nested > 0 {
            if let Some(c) = &mut t.cell {
                c.inline.soft_break();
            }
            return;
        }
        self.close_row();
        if let Some(t) = &mut self.table {
            t.row = Some(Vec::new());
        }
    }

    pub(super) fn close_row(&mut self) {
        self.close_cell();
        let Some(t) = &mut self.table else { return };
        if t.nested > 0 {
            if let Some(c) = &mut t.cell {
                c.inline.soft_break();
            }
            return;
        }
        if let Some(row) = t.row.take()
            && !row.is_empty()
        {
            t.rows.push(row);
        }
    }

    pub(super) fn open_cell(
        &mut self,
        frame: &mut Frame,
        header: bool,
        e: &scraper::node::Element,
    ) {
        frame.tag = Tag::Cell;
        let Some(t) = &mut self.table else { return };
        if t.nested > 0 {
            if let Some(c) = &mut t.cell {
                c.inline.soft_space();
            }
            return;
        }
        self.close_cell();
        if self.cells_left == 0 {
            return;
        }
        self.cells_left -= 1;
        let span = |name: &str| {
            e.attr(name)
                .and_then(|v| v.trim().parse::<u32>().ok())
                .unwrap_or(1)
                .clamp(1, Cell::MAX_SPAN)
        };
        if let Some(t) = &mut self.table {
            t.row.get_or_insert_with(Vec::new);
            t.cell = Some(CellBuilder {
                inline: Inline::new(),
                colspan: span("colspan"),
                rowspan: span("rowspan"),
                header,
            });
        }
    }

    pub(super) fn close_cell(&mut self) {
        let Some(t) = &mut self.table else { return };
        if t.nested > 0 {
            if let Some(c) = &mut t.cell {
                c.inline.soft_space();
            }
            return;
        }
        if let Some(c) = t.cell.take() {
            let cell = Cell {
                runs: c.inline.finish(),
                colspan: c.colspan,
                rowspan: c.rowspan,
                header: c.header,
            };
            t.row.get_or_insert_with(Vec::new).push(cell);
        }
    }
}
