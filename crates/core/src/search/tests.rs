use super::*;

fn parse(s: &str) -> SearchTerms {
    SearchTerms::parse(s).unwrap()
}

fn term(words: &[&str], prefix: bool) -> Term {
    Term {
        words: words.iter().map(|w| w.to_string()).collect(),
        prefix,
    }
}

#[test]
fn words_prefixes_and_phrases() {
    let t = parse(r#"Refund prin* "error code E42""#);
    assert_eq!(
        t.terms,
        vec![
            term(&["refund"], false),
            term(&["prin"], true),
            term(&["error", "code", "e42"], false),
        ]
    );
    assert_eq!(t.fts5(), r#""refund" "prin" * "error" + "code" + "e42""#);
    assert_eq!(
        t.tsquery(),
        "'refund' & 'prin':* & ('error' <-> 'code' <-> 'e42')"
    );
}

#[test]
fn separators_inside_a_word_make_a_phrase() {
    let t = parse("ana@example.com e-mail");
    assert_eq!(
        t.terms,
        vec![
            term(&["ana", "example", "com"], false),
            term(&["e", "mail"], false)
        ]
    );
}

#[test]
fn an_unclosed_quote_runs_to_the_end() {
    assert_eq!(
        parse(r#"leak "under uni*"#).terms[1],
        term(&["under", "uni"], true)
    );
}

#[test]
fn hostile_input_never_reaches_the_query_languages() {
    for s in [
        r#"" OR 1=1 --"#,
        "a' & !b | (c) : dd*",
        r#"NEAR("a" "b") col:x ^y"#,
        "'; DROP TABLE messages; --",
        "\\\" \\' \u{0} x1",
        "**foo** *bar",
    ] {
        let t = parse(s);
        for w in t.terms.iter().flat_map(|t| &t.words) {
            assert!(w.chars().all(|c| c.is_alphanumeric()), "{s:?} gave {w:?}");
        }
        // Only our own syntax: quotes around words, +, *, :*, <->, &, parentheses.
        let fts = t.fts5().replace(|c: char| c.is_alphanumeric(), "");
        assert!(
            fts.chars().all(|c| "\"+* ".contains(c)),
            "{s:?}: {}",
            t.fts5()
        );
        let ts = t.tsquery().replace(|c: char| c.is_alphanumeric(), "");
        assert!(
            ts.chars().all(|c| "'&:*<->() ".contains(c)),
            "{s:?}: {}",
            t.tsquery()
        );
    }
}

#[test]
fn empty_long_and_short_prefixes_are_refused_in_one_line() {
    for s in ["", "   ", r#""" * : & | ! ( ) '"#] {
        let e = SearchTerms::parse(s).unwrap_err();
        assert!(matches!(e, StoreError::Rule { .. }), "{s:?}: {e:?}");
        assert!(!e.to_string().contains('\n'));
    }
    let long = "a".repeat(QUERY_CHARS + 1);
    assert!(matches!(
        SearchTerms::parse(&long),
        Err(StoreError::Rule {
            rule: RuleError::TooLong { .. },
            ..
        })
    ));
    let many = "w ".repeat(QUERY_WORDS + 1);
    assert!(matches!(
        SearchTerms::parse(&many),
        Err(StoreError::Invalid { .. })
    ));
    assert!(SearchTerms::parse("a*").is_err());
    assert!(SearchTerms::parse("ab*").is_ok());
}

#[test]
fn the_page_and_dates_are_checked() {
    let mut q = MessageQuery::new("refund");
    assert!(q.check().is_ok());
    q.limit = 0;
    assert!(q.check().is_err());
    q.limit = PAGE_MAX + 1;
    assert!(q.check().is_err());
    q.limit = 10;
    q.from_ms = Some(2);
    q.to_ms = Some(1);
    assert!(q.check().is_err());
}

#[test]
fn highlights_are_byte_ranges_of_the_matches() {
    let text = "Olá, the café's printer: Printing error E42.\nSecond line printer";
    let h = highlights(&parse(r#"prin* "error e42" cafe"#), text);
    let got: Vec<&str> = h.iter().map(|r| &text[r.clone()]).collect();
    assert_eq!(got, ["café", "printer", "Printing", "error E42", "printer"]);
    assert_eq!(line_at(text, h[0].start), 0..text.find('\n').unwrap());
    let last = h.last().unwrap().start;
    assert_eq!(&text[line_at(text, last)], "Second line printer");
}

#[test]
fn a_word_matches_whole_words_only() {
    let text = "reprint printer print";
    let h = highlights(&parse("print"), text);
    assert_eq!(h, vec![16..21]);
}
