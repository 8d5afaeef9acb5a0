//! Full-text search over transcripts (issue 18) against a real store, on both databases:
//! words, prefixes, phrases, filters, paging, highlights, hostile input, internal lines,
//! who may see what, and the plans (the full-text index walked, messages never scanned).

mod common;

use common::{demo_with_available, fresh};
use livewindow::Store;
use livewindow::core::search::{MessageHits, MessageQuery};
use livewindow::core::{Sender, StoreError, TransferTarget};
use livewindow::store::{Backend, NewMessage};

const MARIA: &str = "maria.santos@example.com";
const JAMES: &str = "james.chen@example.com";

async fn queue(store: &Store, name: &str) -> i64 {
    store.find_queue(Some(name)).await.unwrap().0
}

/// A chat from `customer` in `queue_name`, accepted and verified by `agent`, then the lines
/// given (customer and agent taking turns, the customer first).
async fn chat(
    store: &Store,
    agent: i64,
    customer: (&str, &str),
    queue_name: &str,
    lines: &[&str],
) -> i64 {
    let q = queue(store, queue_name).await;
    let chat = store
        .enqueue(customer.0, customer.1, q, None)
        .await
        .unwrap();
    store.accept(chat, agent).await.unwrap();
    if let Some(contact) = store.match_contact(customer.1, customer.0).await.unwrap() {
        store.verify_contact(chat, agent, contact.id).await.unwrap();
    }
    let name = store.agent(agent).await.unwrap().name;
    for (i, line) in lines.iter().enumerate() {
        let m = if i % 2 == 0 {
            NewMessage::plain(Sender::Customer, customer.0, None, line)
        } else {
            NewMessage::plain(Sender::Agent, &name, Some(agent), line)
        };
        store.send_message(chat, &m).await.unwrap();
    }
    chat
}

async fn search(store: &Store, q: &MessageQuery) -> MessageHits {
    store
        .search_messages(q)
        .await
        .unwrap_or_else(|e| panic!("{q:?}: {e}"))
}

fn texts(h: &MessageHits) -> Vec<&str> {
    h.hits.iter().map(|h| h.body_text.as_str()).collect()
}

fn marked(h: &MessageHits) -> Vec<Vec<&str>> {
    h.hits
        .iter()
        .map(|h| {
            h.highlights
                .iter()
                .map(|r| &h.body_text[r.clone()])
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn words_prefixes_phrases_and_highlights() {
    let (_db, store) = fresh().await;
    let maria = demo_with_available(&store, &[MARIA]).await[0];
    let c = chat(
        &store,
        maria,
        ("Ana Lima", "ana.lima@example.com"),
        "Support",
        &[
            "My printer shows error code E42 since Monday",
            "Please restart the printer; the error-code should clear",
            "Café crème spilled on the Printing tray.\nIs that the problem?",
        ],
    )
    .await;

    let h = search(&store, &MessageQuery::new("printer")).await;
    assert_eq!(
        texts(&h),
        [
            "Please restart the printer; the error-code should clear",
            "My printer shows error code E42 since Monday",
        ],
        "newest first"
    );
    assert_eq!(marked(&h), [vec!["printer"], vec!["printer"]]);
    let first = &h.hits[1];
    assert_eq!(first.highlights, vec![3..10]);
    assert_eq!((first.chat_id, first.sender.as_str()), (c, "customer"));
    assert_eq!(first.queue_name, "Support");
    assert_eq!(first.agent_name.as_deref(), Some("Maria Santos"));
    assert_eq!(first.customer_name, "Ana Lima");
    assert_eq!(h.hits[0].sender_name, "Maria Santos");
    assert!(!h.more);

    let h = search(&store, &MessageQuery::new("PRINT*")).await;
    assert_eq!(h.hits.len(), 3);
    assert_eq!(marked(&h)[0], ["Printing"]);
    // The line holding the match, as a range of the text.
    let line = &h.hits[0].body_text[h.hits[0].line.clone()];
    assert_eq!(line, "Café crème spilled on the Printing tray.");

    let h = search(&store, &MessageQuery::new("\"error code\"")).await;
    assert_eq!(h.hits.len(), 2, "error-code is the same two words");
    assert_eq!(marked(&h), [vec!["error-code"], vec!["error code"]]);
    assert!(
        search(&store, &MessageQuery::new("\"code error\""))
            .await
            .hits
            .is_empty()
    );
    // Every word must match.
    assert_eq!(
        search(&store, &MessageQuery::new("printer monday"))
            .await
            .hits
            .len(),
        1
    );
    assert_eq!(
        search(&store, &MessageQuery::new("crème")).await.hits.len(),
        1
    );
    assert_eq!(
        search(&store, &MessageQuery::new("e42")).await.hits.len(),
        1
    );
    assert!(
        search(&store, &MessageQuery::new("printers"))
            .await
            .hits
            .is_empty()
    );
}

#[tokio::test]
async fn hostile_input_is_a_clear_error_or_a_safe_search() {
    let (_db, store) = fresh().await;
    let maria = demo_with_available(&store, &[MARIA]).await[0];
    chat(
        &store,
        maria,
        ("Ana Lima", "ana.lima@example.com"),
        "Support",
        &["the printer is broken"],
    )
    .await;
    // Punctuation and operators around a word: the word is searched.
    for q in [
        "printer:",
        "(printer)",
        "'printer'",
        "printer!",
        "+printer",
        "-printer",
        "printer^",
        "printer AND",
        "body_text:printer",
        "\"printer",
        "printer\"",
        "printer OR nothing_here",
        "NEAR(printer)",
        "printer & | !",
        "printer;--",
        "printer\\",
        "printer' OR '1'='1",
        "printer\u{0}",
        "\u{0}printer*",
    ] {
        let h = store.search_messages(&MessageQuery::new(q)).await;
        let h = h.unwrap_or_else(|e| panic!("{q:?}: {e}"));
        // Operators are words like any other ("NEAR", "OR" must be in the text too).
        let terms = livewindow::core::search::SearchTerms::parse(q).unwrap();
        if terms.terms.iter().all(|t| t.words == ["printer"]) {
            assert_eq!(h.hits.len(), 1, "{q:?}");
        }
    }
    // Nothing searchable, too long, a one-letter prefix: one readable line, never the
    // database's error.
    let long = "printer ".repeat(30);
    for q in ["", "\"\"", "*", "\" * : & | ! ( ) '", "a*", long.as_str()] {
        match store.search_messages(&MessageQuery::new(q)).await {
            Err(e @ (StoreError::Rule { .. } | StoreError::Invalid { .. })) => {
                assert!(!e.to_string().contains('\n'), "{q:?}: {e}");
                assert_eq!(e.field(), Some("search"), "{q:?}");
            }
            other => panic!("{q:?}: {other:?}"),
        }
    }
    let mut q = MessageQuery::new("printer");
    q.limit = 0;
    assert!(matches!(
        store.search_messages(&q).await,
        Err(StoreError::Rule { .. })
    ));
}

#[tokio::test]
async fn filters_and_pages() {
    let (_db, store) = fresh().await;
    let ids = demo_with_available(&store, &[MARIA, JAMES]).await;
    let (maria, james) = (ids[0], ids[1]);
    let before_all = store.now_ms().await.unwrap();
    let a = chat(
        &store,
        maria,
        ("Ana Lima", "ana.lima@example.com"),
        "Support",
        &["refund one", "refund two", "refund three"],
    )
    .await;
    let b = chat(
        &store,
        james,
        ("Bruno Okafor", "bruno.okafor@example.com"),
        "Support",
        &["refund four", "refund five"],
    )
    .await;
    let after_all = store.now_ms().await.unwrap();

    // Pages of two, newest first, each after the last hit of the one before.
    let mut q = MessageQuery::new("refund");
    q.limit = 2;
    let mut seen = Vec::new();
    loop {
        let page = search(&store, &q).await;
        assert!(page.hits.len() <= 2);
        seen.extend(page.hits.iter().map(|h| h.body_text.clone()));
        if !page.more {
            break;
        }
        q.before = page.hits.last().map(|h| h.message_id);
    }
    assert_eq!(
        seen,
        [
            "refund five",
            "refund four",
            "refund three",
            "refund two",
            "refund one"
        ]
    );

    let base = MessageQuery::new("refund");
    let count = async |f: &dyn Fn(&mut MessageQuery)| {
        let mut q = base.clone();
        f(&mut q);
        search(&store, &q).await.hits.len()
    };
    let contact_a = store.chat(a).await.unwrap().contact_id;
    assert!(contact_a.is_some());
    assert_eq!(count(&|q| q.contact_id = contact_a).await, 3);
    assert_eq!(count(&|q| q.agent_id = Some(james)).await, 2);
    assert_eq!(count(&|q| q.agent_id = Some(maria)).await, 3);
    let support = queue(&store, "Support").await;
    let billing = queue(&store, "Billing").await;
    assert_eq!(count(&|q| q.queue_id = Some(support)).await, 5);
    assert_eq!(count(&|q| q.queue_id = Some(billing)).await, 0);
    assert_eq!(count(&|q| q.from_ms = Some(before_all)).await, 5);
    assert_eq!(count(&|q| q.to_ms = Some(after_all)).await, 5);
    assert_eq!(count(&|q| q.from_ms = Some(after_all + 1)).await, 0);
    assert_eq!(count(&|q| q.to_ms = Some(before_all - 1)).await, 0);
    // The second chat's first line by its own time.
    let four = store.messages(b).await.unwrap()[0].created_ms;
    assert_eq!(
        count(&|q| {
            q.from_ms = Some(four);
            q.to_ms = Some(four);
        })
        .await,
        store
            .messages(b)
            .await
            .unwrap()
            .iter()
            .filter(|m| m.created_ms == four)
            .count()
    );
    let mut bad = base.clone();
    bad.from_ms = Some(2);
    bad.to_ms = Some(1);
    assert!(store.search_messages(&bad).await.is_err());
}

#[tokio::test]
async fn internal_lines_and_who_may_see() {
    let (_db, store) = fresh().await;
    let ids = demo_with_available(&store, &[MARIA, JAMES]).await;
    let (maria, james) = (ids[0], ids[1]);
    let c = chat(
        &store,
        maria,
        ("Ana Lima", "ana.lima@example.com"),
        "Support",
        &["my zebra printer jams", "let me check the zebra"],
    )
    .await;
    // Maria hands it to James with a note only agents see.
    store
        .transfer(
            c,
            maria,
            TransferTarget::Agent(james),
            "zebra secret: goodwill refund ok",
        )
        .await
        .unwrap();
    store.accept(c, james).await.unwrap();

    let mut q = MessageQuery::new("zebra");
    assert_eq!(search(&store, &q).await.hits.len(), 2, "no internal line");
    assert!(
        search(&store, &MessageQuery::new("goodwill"))
            .await
            .hits
            .is_empty()
    );
    q.include_internal = true;
    let h = search(&store, &q).await;
    assert_eq!(h.hits.len(), 3);
    assert!(h.hits[0].internal);

    // James is the chat's agent now; Maria wrote in it; Priya never touched it.
    let priya = store
        .find_agent("priya.patel@example.com")
        .await
        .unwrap()
        .id;
    for (who, sees) in [(james, 3), (maria, 3), (priya, 0)] {
        q.visible_to = Some(who);
        assert_eq!(search(&store, &q).await.hits.len(), sees, "agent {who}");
    }
}

/// Plans on a corpus big enough that PostgreSQL's planner chooses for a reason, analyzed as
/// autovacuum would (SQLite plans without statistics, as the app leaves it).
#[tokio::test]
async fn plans_walk_the_full_text_index() {
    let (_db, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let seeded = store.seed_transcripts(30_000).await.unwrap();
    assert_eq!(seeded.messages, 30_000);
    if store.backend() == Backend::Postgres {
        sqlx::query("ANALYZE").execute(store.pool()).await.unwrap();
    }
    let agent = store
        .find_agent("corpus.agent3@example.net")
        .await
        .unwrap()
        .id;
    let queue = queue(&store, "Returns").await;
    let now = store.now_ms().await.unwrap();
    let contact: i64 =
        sqlx::query_scalar("SELECT contact_id FROM chats WHERE contact_id IS NOT NULL LIMIT 1")
            .fetch_one(store.pool())
            .await
            .unwrap();
    let with = |text: &str, f: &dyn Fn(&mut MessageQuery)| {
        let mut q = MessageQuery::new(text);
        f(&mut q);
        q
    };
    // (what, query, whether PostgreSQL must read the GIN index: for a rare word it must;
    // for a common one walking ids newest first and stopping after a page is the better
    // plan, and a full scan is never right)
    let vocab = livewindow::store::corpus_vocabulary();
    let cases = [
        ("common word", with("the", &|_| {}), false),
        ("rare word", with(&vocab[3_990], &|_| {}), true),
        ("prefix", with("refu*", &|_| {}), false),
        ("phrase", with("\"order number\"", &|_| {}), false),
        (
            "queue",
            with("please", &|q| q.queue_id = Some(queue)),
            false,
        ),
        (
            "agent",
            with("please", &|q| q.agent_id = Some(agent)),
            false,
        ),
        (
            "dates",
            with("please", &|q| {
                q.from_ms = Some(now - 90 * 86_400_000);
                q.to_ms = Some(now - 60 * 86_400_000);
            }),
            false,
        ),
        (
            "visible",
            with("please", &|q| q.visible_to = Some(agent)),
            false,
        ),
        (
            "contact",
            with("please", &|q| q.contact_id = Some(contact)),
            false,
        ),
    ];
    for (what, q, gin) in &cases {
        let plan = store.explain_message_search(q).await.unwrap();
        let context = format!("{what}: plan:\n{plan}");
        assert!(
            !search(&store, q).await.hits.is_empty() || *what == "rare word",
            "{context}"
        );
        for line in plan.lines() {
            let line = line.trim_start_matches(['|', '`', '-', ' ', '>']);
            let full = match store.backend() {
                Backend::Sqlite => ["SCAN m", "SCAN c", "SCAN messages", "SCAN chats"]
                    .iter()
                    .any(|s| line == *s || line.starts_with(&format!("{s} "))),
                // Chats are a twentieth of messages: hashing them all for a join can be
                // right (here, 1,900 of them); reading every message never is.
                Backend::Postgres => line.starts_with("Seq Scan on messages"),
            };
            assert!(!full, "a full scan ({line}) in {context}");
        }
        match store.backend() {
            Backend::Sqlite => {
                assert!(plan.contains("VIRTUAL TABLE INDEX"), "{context}");
                if *what != "contact" {
                    // The index's order is the result's: nothing sorts all the matches.
                    assert!(!plan.contains("TEMP B-TREE FOR ORDER BY"), "{context}");
                }
            }
            Backend::Postgres => {
                if *gin {
                    assert!(plan.contains("messages_body_tsv"), "{context}");
                }
            }
        }
    }
}

/// An agent of more chats than the search writes out as a list (2,500) is filtered by a
/// subquery instead: the same answers either way.
#[tokio::test]
async fn an_agent_of_thousands_of_chats() {
    let (_db, store) = fresh().await;
    store.seed_demo().await.unwrap();
    let seeded = store.seed_transcripts(50_000).await.unwrap();
    assert!(seeded.chats > 2_600, "{} chats", seeded.chats);
    let agent = store
        .find_agent("corpus.agent3@example.net")
        .await
        .unwrap()
        .id;
    // Every chat becomes the agent's: filtered by them, a search finds what it finds
    // unfiltered.
    sqlx::query("UPDATE chats SET agent_id = $1 WHERE agent_id IS NOT NULL")
        .bind(agent)
        .execute(store.pool())
        .await
        .unwrap();
    if store.backend() == Backend::Postgres {
        sqlx::query("ANALYZE").execute(store.pool()).await.unwrap();
    }
    let ids = |h: &MessageHits| h.hits.iter().map(|h| h.message_id).collect::<Vec<_>>();
    for word in ["please", "refund order", "\"order number\""] {
        let all = search(&store, &MessageQuery::new(word)).await;
        assert!(all.hits.len() >= 10, "{word}: {} hits", all.hits.len());
        let by_agent = MessageQuery {
            agent_id: Some(agent),
            ..MessageQuery::new(word)
        };
        assert_eq!(ids(&search(&store, &by_agent).await), ids(&all), "{word}");
        let visible = MessageQuery {
            visible_to: Some(agent),
            ..MessageQuery::new(word)
        };
        assert_eq!(ids(&search(&store, &visible).await), ids(&all), "{word}");
        // The newest match's chat given to someone else leaves the agent's results, and
        // only it.
        let newest = all.hits[0].chat_id;
        let other = store.find_agent(JAMES).await.unwrap().id;
        sqlx::query("UPDATE chats SET agent_id = $1 WHERE id = $2")
            .bind(other)
            .bind(newest)
            .execute(store.pool())
            .await
            .unwrap();
        let after = search(&store, &by_agent).await;
        assert!(after.hits.iter().all(|h| h.chat_id != newest), "{word}");
        let expected: Vec<i64> = all
            .hits
            .iter()
            .filter(|h| h.chat_id != newest)
            .map(|h| h.message_id)
            .collect();
        assert_eq!(ids(&after)[..expected.len()], expected[..], "{word}");
        sqlx::query("UPDATE chats SET agent_id = $1 WHERE id = $2")
            .bind(agent)
            .bind(newest)
            .execute(store.pool())
            .await
            .unwrap();
    }
}
