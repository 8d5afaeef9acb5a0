//! Operations on a sequence of runs, by char offset. Every function leaves the runs
//! normalized: no empty run, no two neighbours with equal marks.

use super::model::{Marks, Run};

/// Byte index of char `offset` in `s` (its length when `offset` is past the end).
pub(crate) fn byte_index(s: &str, offset: usize) -> usize {
    s.char_indices().nth(offset).map_or(s.len(), |(i, _)| i)
}

/// Total length in chars.
pub(crate) fn len(runs: &[Run]) -> usize {
    runs.iter().map(|r| r.text.chars().count()).sum()
}

/// Drops empty runs, default colours (see [`super::Rgb::is_default_text`]), underline and
/// colour on links (a link's look is the link's: Word's MsoHyperlink style, every browser's
/// blue underline) and merges neighbours with equal marks.
pub(crate) fn normalize(runs: &mut Vec<Run>) {
    let mut out: Vec<Run> = Vec::with_capacity(runs.len());
    for mut run in runs.drain(..) {
        if run.text.is_empty() {
            continue;
        }
        if run.marks.colour.is_some_and(|c| c.is_default_text()) || run.marks.link.is_some() {
            run.marks.colour = None;
        }
        if run.marks.link.is_some() {
            run.marks.underline = false;
        }
        match out.last_mut() {
            Some(last) if last.marks == run.marks => last.text.push_str(&run.text),
            _ => out.push(run),
        }
    }
    *runs = out;
}

/// Text as the model keeps it: no control characters but the line break; tabs and no-break
/// spaces become spaces (HTML would collapse the one and an import cannot tell the other from
/// a space) and CR LF / CR become LF.
pub(crate) fn clean_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\n' => out.push('\n'),
            '\t' | '\u{a0}' => out.push(' '),
            c if c.is_control() => {}
            // Unicode line/paragraph separators would break lines behind the model's back.
            '\u{2028}' | '\u{2029}' => out.push('\n'),
            c => out.push(c),
        }
    }
    out
}

/// True if [`clean_text`] would change `text`.
pub(crate) fn needs_cleaning(text: &str) -> bool {
    text.chars()
        .any(|c| (c.is_control() && c != '\n') || matches!(c, '\u{a0}' | '\u{2028}' | '\u{2029}'))
}

/// Splits the runs so that one starts at `offset`; returns the index of that run
/// (`runs.len()` when `offset` is at or past the end). Leaves the runs unnormalized.
fn split_at(runs: &mut Vec<Run>, offset: usize) -> usize {
    let mut seen = 0;
    for i in 0..runs.len() {
        if seen == offset {
            return i;
        }
        let n = runs[i].text.chars().count();
        if offset < seen + n {
            let at = byte_index(&runs[i].text, offset - seen);
            let tail = runs[i].text.split_off(at);
            let marks = runs[i].marks.clone();
            runs.insert(i + 1, Run::new(tail, marks));
            return i + 1;
        }
        seen += n;
    }
    runs.len()
}

/// The runs between char offsets `start` and `end`.
pub(crate) fn slice(runs: &[Run], start: usize, end: usize) -> Vec<Run> {
    let mut out = Vec::new();
    let mut seen = 0;
    for run in runs {
        let n = run.text.chars().count();
        let (a, b) = (start.max(seen), end.min(seen + n));
        if a < b {
            let from = byte_index(&run.text, a - seen);
            let to = from + byte_index(&run.text[from..], b - a);
            out.push(Run::new(&run.text[from..to], run.marks.clone()));
        }
        seen += n;
        if seen >= end {
            break;
        }
    }
    out
}

/// Removes and returns everything from `offset` on.
pub(crate) fn split_off(runs: &mut Vec<Run>, offset: usize) -> Vec<Run> {
    let i = split_at(runs, offset);
    let tail = runs.split_off(i);
    normalize(runs);
    tail
}

/// Deletes chars `start..end`.
pub(crate) fn delete(runs: &mut Vec<Run>, start: usize, end: usize) {
    if start >= end {
        return;
    }
    let i = split_at(runs, start);
    let j = split_at(runs, end);
    runs.drain(i..j);
    normalize(runs);
}

/// Inserts `text` with `marks` at `offset`.
pub(crate) fn insert(runs: &mut Vec<Run>, offset: usize, text: &str, marks: &Marks) {
    if text.is_empty() {
        return;
    }
    let i = split_at(runs, offset);
    runs.insert(i, Run::new(text, marks.clone()));
    normalize(runs);
}

/// Inserts `other` at `offset`.
pub(crate) fn insert_runs(runs: &mut Vec<Run>, offset: usize, other: Vec<Run>) {
    let i = split_at(runs, offset);
    runs.splice(i..i, other);
    normalize(runs);
}

/// Applies `f` to the marks of chars `start..end`.
pub(crate) fn apply(runs: &mut Vec<Run>, start: usize, end: usize, mut f: impl FnMut(&mut Marks)) {
    if start >= end {
        return;
    }
    let i = split_at(runs, start);
    let j = split_at(runs, end);
    for run in &mut runs[i..j] {
        f(&mut run.marks);
    }
    normalize(runs);
}

/// Calls `f` with the marks of every run that has chars in `start..end`.
pub(crate) fn each_in(runs: &[Run], start: usize, end: usize, mut f: impl FnMut(&Marks)) {
    let mut seen = 0;
    for run in runs {
        let n = run.text.chars().count();
        if start.max(seen) < end.min(seen + n) {
            f(&run.marks);
        }
        seen += n;
        if seen >= end {
            break;
        }
    }
}

/// The marks of the char before `offset` (of the first char at offset 0).
pub(crate) fn marks_at(runs: &[Run], offset: usize) -> Marks {
    let mut seen = 0;
    for run in runs {
        let n = run.text.chars().count();
        if offset <= seen + n && (offset > seen || seen == 0) {
            return run.marks.clone();
        }
        seen += n;
    }
    runs.last().map(|r| r.marks.clone()).unwrap_or_default()
}
