//! Standard replies in the store (SQLite, or PostgreSQL with TEST_DATABASE_URL): which
//! replies each agent sees by scope, a stored reply's variables filled with their
//! fallbacks, unknown variables refused when saved, uses counted, and who may change what
//! through a desk.

mod common;

use common::fresh;
use livewindow::core::StoreError;
use livewindow::core::account::Denied;
use livewindow::core::reply::{ReplyDraft, ReplyScope, Values, fill, unfilled};
use livewindow::data::ConsoleData;
use livewindow::store::Store;

fn draft(name: &str, shortcut: &str, scope: ReplyScope, text: &str) -> ReplyDraft {
    ReplyDraft {
        name: name.into(),
        shortcut: shortcut.into(),
        folder: None,
        scope,
        body_text: text.into(),
        body_html: None,
    }
}

/// Two queues; Ana works Support, Ben works Billing.
async fn team(store: &Store) -> (i64, i64, i64, i64) {
    let support = store.add_queue("Support").await.unwrap();
    let billing = store.add_queue("Billing").await.unwrap();
    let ana = store
        .add_agent("Ana Lima", "ana@example.com", 3)
        .await
        .unwrap()
        .id;
    let ben = store
        .add_agent("Ben Ode", "ben@example.com", 3)
        .await
        .unwrap()
        .id;
    store.join_queue(ana, support).await.unwrap();
    store.join_queue(ben, billing).await.unwrap();
    (support, billing, ana, ben)
}

fn shortcuts(list: &[livewindow::core::reply::StandardReply]) -> Vec<&str> {
    list.iter().map(|r| r.shortcut.as_str()).collect()
}

#[tokio::test]
async fn each_agent_sees_the_site_their_queues_and_their_own() {
    let (_db, store) = fresh().await;
    let (support, billing, ana, ben) = team(&store).await;
    for d in [
        draft("Greeting", "hi", ReplyScope::Site, "Hello!"),
        draft("Reset", "reset", ReplyScope::Queue(support), "Press reset."),
        draft(
            "Invoice",
            "invoice",
            ReplyScope::Queue(billing),
            "Your invoice.",
        ),
        draft(
            "Ana's sign-off",
            "bye",
            ReplyScope::Agent(ana),
            "Ana here, bye.",
        ),
        draft(
            "Ben's sign-off",
            "bye",
            ReplyScope::Agent(ben),
            "Ben here, bye.",
        ),
    ] {
        store.add_reply(&d).await.unwrap();
    }
    let mut seen = shortcuts(&store.replies_for(ana).await.unwrap())
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    seen.sort();
    assert_eq!(seen, ["bye", "hi", "reset"]);
    let ana_bye = store.replies_for(ana).await.unwrap();
    let bye = ana_bye.iter().find(|r| r.shortcut == "bye").unwrap();
    assert_eq!(bye.body_text, "Ana here, bye.");
    assert_eq!(bye.scope_name.as_deref(), Some("ana@example.com"));
    let mut ben_sees = shortcuts(&store.replies_for(ben).await.unwrap())
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    ben_sees.sort();
    assert_eq!(ben_sees, ["bye", "hi", "invoice"]);
    assert_eq!(store.replies().await.unwrap().len(), 5);

    // Joining a queue shows its replies; the same shortcut twice in one scope is refused.
    store.join_queue(ana, billing).await.unwrap();
    assert!(shortcuts(&store.replies_for(ana).await.unwrap()).contains(&"invoice"));
    let e = store
        .add_reply(&draft("Hello again", "/HI", ReplyScope::Site, "x"))
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("/hi is already used by \"Greeting\""),
        "{e}"
    );
    let e = store
        .add_reply(&draft("x", "x", ReplyScope::Queue(9999), "x"))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e:?}");
}

#[tokio::test]
async fn variables_fill_with_fallbacks_and_unknown_ones_are_refused_when_saved() {
    let (_db, store) = fresh().await;
    let (support, _, ana, _) = team(&store).await;
    let text = r#"Hi {{customer.first_name | "there"}}, {{agent.first_name}} from {{queue.name}} here. Your account {{contact.account | "on file"}}: order [[order number]]."#;
    let mut d = draft("Welcome", "welcome", ReplyScope::Queue(support), text);
    d.body_html = Some(
        "<p>Hi <b>{{customer.first_name | &quot;there&quot;}}</b>, order [[order number]]</p>"
            .into(),
    );
    d.folder = Some("Openers".into());
    let saved = store.add_reply(&d).await.unwrap();
    assert_eq!(saved.folder.as_deref(), Some("Openers"));
    let read = store.replies_for(ana).await.unwrap();
    let r = read.iter().find(|r| r.id == saved.id).unwrap();
    assert_eq!(r.body_text, text);

    let values = Values {
        customer_name: Some("Rita Moreno".into()),
        agent_name: Some("Ana Lima".into()),
        queue_name: Some("Support".into()),
        contact_account: None,
    };
    let filled = fill(&r.body_text, &values, str::to_string).unwrap();
    assert_eq!(
        filled,
        "Hi Rita, Ana from Support here. Your account on file: order [[order number]]."
    );
    assert_eq!(
        unfilled(&filled).as_deref(),
        Some("Fill in [[order number]] before sending.")
    );
    let html = fill(
        r.body_html.as_deref().unwrap(),
        &Values::default(),
        livewindow::richtext::escape,
    )
    .unwrap();
    assert_eq!(html, "<p>Hi <b>there</b>, order [[order number]]</p>");

    for bad in [
        "Hi {{customer.nickname}}",
        "Hi {{agent.name | there}}",
        "[[ ]]",
    ] {
        let e = store
            .add_reply(&draft("Bad", "bad", ReplyScope::Site, bad))
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Invalid { .. }), "{bad}: {e:?}");
    }
    let e = store
        .add_reply(&draft(
            "Bad",
            "bad",
            ReplyScope::Site,
            "Hi {{customer.nickname}}",
        ))
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("{{customer.nickname}} is not a variable"),
        "{e}"
    );
    assert_eq!(
        store.replies().await.unwrap().len(),
        1,
        "nothing bad was stored"
    );
}

#[tokio::test]
async fn uses_are_counted_only_for_replies_the_agent_sees() {
    let (_db, store) = fresh().await;
    let (_, billing, ana, ben) = team(&store).await;
    let site = store
        .add_reply(&draft("Greeting", "hi", ReplyScope::Site, "Hello!"))
        .await
        .unwrap();
    let invoice = store
        .add_reply(&draft(
            "Invoice",
            "invoice",
            ReplyScope::Queue(billing),
            "Invoice.",
        ))
        .await
        .unwrap();
    let desk = store.served_desk(ana);
    desk.reply_used(site.id).await.unwrap();
    desk.reply_used(site.id).await.unwrap();
    store.served_desk(ben).reply_used(site.id).await.unwrap();
    store.served_desk(ben).reply_used(invoice.id).await.unwrap();
    let e = desk.reply_used(invoice.id).await.unwrap_err();
    assert!(matches!(e, StoreError::NotFound(_)), "{e:?}");
    assert_eq!(store.reply(site.id).await.unwrap().uses, 3);
    assert_eq!(store.reply(invoice.id).await.unwrap().uses, 1);
    // An edit keeps the count.
    let mut d = draft("Greeting", "hello", ReplyScope::Site, "Hello again!");
    d.folder = Some("Openers".into());
    let edited = store.update_reply(site.id, &d).await.unwrap();
    assert_eq!((edited.uses, edited.shortcut.as_str()), (3, "hello"));
}

#[tokio::test]
async fn agents_change_their_own_replies_and_admins_the_rest() {
    let (_db, store) = fresh().await;
    let (support, _, ana, ben) = team(&store).await;
    let desk = store.served_desk(ana);
    let mine = desk
        .add_reply(draft("Mine", "mine", ReplyScope::Agent(ana), "Mine."))
        .await
        .unwrap();
    let edited = desk
        .update_reply(
            mine.id,
            draft("Mine", "mine2", ReplyScope::Agent(ana), "Mine!"),
        )
        .await
        .unwrap();
    assert_eq!(edited.shortcut, "mine2");
    for scope in [
        ReplyScope::Site,
        ReplyScope::Queue(support),
        ReplyScope::Agent(ben),
    ] {
        let e = desk
            .add_reply(draft("Theirs", "theirs", scope, "x"))
            .await
            .unwrap_err();
        assert_eq!(e, StoreError::Denied(Denied::AdminsOnly), "{scope:?}");
    }
    // Nor may an agent move their own reply to the site.
    let e = desk
        .update_reply(mine.id, draft("Mine", "mine", ReplyScope::Site, "x"))
        .await
        .unwrap_err();
    assert_eq!(e, StoreError::Denied(Denied::AdminsOnly));
    let site = store
        .add_reply(&draft("Greeting", "hi", ReplyScope::Site, "Hello!"))
        .await
        .unwrap();
    assert_eq!(
        desk.remove_reply(site.id).await.unwrap_err(),
        StoreError::Denied(Denied::AdminsOnly)
    );
    assert_eq!(
        store
            .served_desk(ben)
            .remove_reply(mine.id)
            .await
            .unwrap_err(),
        StoreError::Denied(Denied::AdminsOnly)
    );
    desk.remove_reply(mine.id).await.unwrap();
    assert_eq!(shortcuts(&desk.replies().await.unwrap()), ["hi"]);
    // The one user of a desktop on its own administers it.
    store
        .desk(ana)
        .add_reply(draft("Site", "site", ReplyScope::Site, "x"))
        .await
        .unwrap();
}

#[tokio::test]
async fn an_import_with_one_bad_reply_changes_nothing() {
    let (_db, store) = fresh().await;
    team(&store).await;
    let good = draft("Greeting", "hi", ReplyScope::Site, "Hello!");
    let bad = draft("Bad", "bad", ReplyScope::Site, "{{nope}}");
    assert!(store.import_replies(&[good.clone(), bad]).await.is_err());
    assert!(store.replies().await.unwrap().is_empty());
    assert_eq!(
        store
            .import_replies(std::slice::from_ref(&good))
            .await
            .unwrap(),
        (1, 0)
    );
    let again = draft("Greeting", "hi", ReplyScope::Site, "Hello again!");
    assert_eq!(store.import_replies(&[again]).await.unwrap(), (0, 1));
    let all = store.replies().await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].body_text, "Hello again!");
}
