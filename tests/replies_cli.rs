//! The real `livewindow reply …` commands against a scratch database (SQLite, or
//! PostgreSQL with TEST_DATABASE_URL): add for the site, a queue and an agent, with a
//! formatted HTML file; list; export, remove and import again (the JSON round-trips); bad
//! input as one line and a non-zero exit.

mod common;

use common::{fresh, ok, one_line_error};
use livewindow::core::reply::ReplyScope;
use std::process::Output;
use tokio::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_livewindow");

async fn run(url: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(["--database-url", url])
        .args(args)
        .env_remove("LIVEWINDOW_AGENT")
        .env_remove("LIVEWINDOW_SERVER")
        .output()
        .await
        .expect("run livewindow")
}

#[tokio::test]
async fn replies_from_the_command_line_round_trip_through_json() {
    let (db, store) = fresh().await;
    let url = db.url.as_str();
    let support = store.add_queue("Support").await.unwrap();
    let ana = store
        .add_agent("Ana Lima", "ana@example.com", 3)
        .await
        .unwrap()
        .id;
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("welcome.html");
    std::fs::write(
        &html,
        r#"<p>Hi <b>{{customer.first_name | "there"}}</b>,</p><ul><li>order [[order number]]</li></ul><script>x()</script>"#,
    )
    .unwrap();

    let out = run(
        url,
        &[
            "reply",
            "add",
            "Greeting",
            "--shortcut",
            "/hi",
            "--text",
            r#"Hello {{customer.first_name | "there"}}!"#,
            "--folder",
            "Openers",
        ],
    )
    .await;
    assert_eq!(
        ok(&out).trim(),
        r#"Added reply "Greeting" (/hi) for the site."#
    );
    let out = run(
        url,
        &[
            "reply",
            "add",
            "Welcome",
            "--shortcut",
            "welcome",
            "--html",
            html.to_str().unwrap(),
            "--queue",
            "support",
        ],
    )
    .await;
    assert_eq!(
        ok(&out).trim(),
        r#"Added reply "Welcome" (/welcome) for queue Support."#
    );
    let out = run(
        url,
        &[
            "--agent",
            "ana@example.com",
            "reply",
            "add",
            "Bye",
            "--shortcut",
            "bye",
            "--text",
            "Bye from {{agent.first_name}}",
        ],
    )
    .await;
    assert_eq!(
        ok(&out).trim(),
        r#"Added reply "Bye" (/bye) for ana@example.com."#
    );

    let all = store.replies().await.unwrap();
    let welcome = all.iter().find(|r| r.shortcut == "welcome").unwrap();
    assert_eq!(welcome.scope, ReplyScope::Queue(support));
    let body = welcome.body_html.as_deref().unwrap();
    assert!(body.contains("<strong>") || body.contains("<b>"), "{body}");
    assert!(body.contains("<li>") && !body.contains("script"), "{body}");
    assert!(
        welcome.body_text.contains("[[order number]]"),
        "{}",
        welcome.body_text
    );
    assert_eq!(
        all.iter().find(|r| r.shortcut == "bye").unwrap().scope,
        ReplyScope::Agent(ana)
    );

    let list = ok(&run(url, &["reply", "list"]).await);
    assert_eq!(list.lines().count(), 3, "{list}");
    assert!(
        list.contains("/hi") && list.contains("Openers") && list.contains("queue Support"),
        "{list}"
    );

    let exported = ok(&run(url, &["reply", "export"]).await);
    let file = dir.path().join("replies.json");
    std::fs::write(&file, &exported).unwrap();
    for which in ["Greeting", "/welcome", "bye"] {
        let out = run(url, &["reply", "remove", which]).await;
        assert!(ok(&out).starts_with("Removed reply"), "{which}");
    }
    assert!(store.replies().await.unwrap().is_empty());
    let out = run(url, &["reply", "import", file.to_str().unwrap()]).await;
    assert_eq!(ok(&out).trim(), "Imported 3 replies: 3 added, 0 replaced.");
    assert_eq!(
        ok(&run(url, &["reply", "export"]).await),
        exported,
        "round trip"
    );
    let out = run(url, &["reply", "import", file.to_str().unwrap()]).await;
    assert_eq!(ok(&out).trim(), "Imported 3 replies: 0 added, 3 replaced.");
}

#[tokio::test]
async fn bad_replies_are_one_line_and_a_failure() {
    let (db, store) = fresh().await;
    let url = db.url.as_str();
    store.add_queue("Support").await.unwrap();
    store
        .add_agent("Ana Lima", "ana@example.com", 3)
        .await
        .unwrap();
    let cases: [(&[&str], &str); 6] = [
        (
            &[
                "reply",
                "add",
                "X",
                "--shortcut",
                "x",
                "--text",
                "Hi {{customer.age}}",
            ],
            "{{customer.age}} is not a variable",
        ),
        (
            &[
                "reply",
                "add",
                "X",
                "--shortcut",
                "two words",
                "--text",
                "Hi",
            ],
            "shortcut",
        ),
        (&["reply", "add", "X", "--shortcut", "x"], "--text"),
        (
            &[
                "reply",
                "add",
                "X",
                "--shortcut",
                "x",
                "--text",
                "Hi",
                "--queue",
                "Nope",
            ],
            "no queue",
        ),
        (
            &[
                "--agent",
                "ana@example.com",
                "reply",
                "add",
                "X",
                "--shortcut",
                "x",
                "--text",
                "Hi",
                "--queue",
                "Support",
            ],
            "not both",
        ),
        (&["reply", "remove", "nothing"], "no standard reply"),
    ];
    for (args, needle) in cases {
        let line = one_line_error(&run(url, args).await);
        assert!(line.contains(needle), "{args:?}: {line}");
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.json");
    std::fs::write(
        &file,
        r#"[{"name": "A", "shortcut": "a", "text": "ok"}, {"name": "B"}]"#,
    )
    .unwrap();
    let line = one_line_error(&run(url, &["reply", "import", file.to_str().unwrap()]).await);
    assert!(line.contains("is not a list of replies"), "{line}");
    assert!(store.replies().await.unwrap().is_empty());
}
