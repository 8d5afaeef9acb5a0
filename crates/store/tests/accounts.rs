//! Accounts, sign-in and sessions against a real database: a temporary SQLite file, or a
//! new database on the PostgreSQL server named by `TEST_DATABASE_URL`.

use livewindow_core::{Password, Role, SessionEnd, SignInError, StoreError};
use livewindow_store::scratch::Scratch;
use livewindow_store::{
    InitialPassword, NewUser, PasswordState, SessionCheck, SignedIn, Store, User,
};
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::time::Duration;

const GOOD: &str = "tangerine-otter-42";

async fn fresh() -> (Scratch, Store) {
    let server = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.trim().is_empty());
    let scratch = Scratch::new(server.as_deref())
        .await
        .unwrap_or_else(|e| panic!("cannot make a test database: {e}"));
    let store = Store::open(&scratch.url)
        .await
        .unwrap_or_else(|e| panic!("cannot open the test database: {e}"));
    println!("backend: {}", store.backend());
    (scratch, store)
}

fn new_user(email: &str, role: Role, password: InitialPassword) -> NewUser {
    NewUser {
        name: email.split('@').next().unwrap_or("someone").to_string(),
        email: email.to_string(),
        role,
        max_chats: 3,
        queues: Vec::new(),
        password,
    }
}

async fn add(store: &Store, email: &str, role: Role) -> User {
    let given = InitialPassword::Given(Password::new(GOOD));
    store
        .add_user(&new_user(email, role, given))
        .await
        .unwrap()
        .0
}

async fn sign_in(store: &Store, email: &str, password: &str) -> Result<SignedIn, SignInError> {
    store
        .sign_in(email, &Password::new(password), "test laptop", "192.0.2.1")
        .await
}

async fn check(store: &Store, signed: &SignedIn) -> SessionCheck {
    store.check_session(&signed.token).await.unwrap()
}

fn ended(why: SessionEnd) -> SessionCheck {
    SessionCheck::Ended(why)
}

#[tokio::test]
async fn sign_in_and_the_same_answer_for_unknown_emails() {
    let (_db, store) = fresh().await;
    let maria = add(&store, "maria@example.com", Role::Supervisor).await;
    assert_eq!(maria.password, PasswordState::Set);

    let signed = sign_in(&store, "  Maria@Example.com ", GOOD).await.unwrap();
    assert_eq!(signed.token.expose().len(), 64);
    assert!(signed.absolute_expires_ms > signed.idle_expires_ms);
    let user = store.session_agent(&signed.token).await.unwrap().unwrap();
    assert_eq!(user.session_id, signed.session.session_id);
    assert_eq!(user.user.agent.id, maria.agent.id);
    assert_eq!(user.user.role, Role::Supervisor);

    let wrong = sign_in(&store, "maria@example.com", "tangerine-otter-43")
        .await
        .unwrap_err();
    let unknown = sign_in(&store, "nobody@example.com", GOOD)
        .await
        .unwrap_err();
    assert_eq!(wrong, SignInError::BadCredentials);
    assert_eq!(unknown, SignInError::BadCredentials);
    assert_eq!(wrong.to_string(), unknown.to_string());

    // Equal work, not timed here (a timed assertion flakes on a shared machine): an unknown
    // email is checked against a dummy hash made with the same Argon2 parameters as real
    // ones, which `secrets.rs`'s unit test holds.
}

#[tokio::test]
async fn disabled_is_said_only_after_the_right_password() {
    let (_db, store) = fresh().await;
    let james = add(&store, "james@example.com", Role::Agent).await;
    let before = sign_in(&store, "james@example.com", GOOD).await.unwrap();
    assert!(store.set_disabled(james.agent.id, true).await.unwrap());
    assert!(!store.set_disabled(james.agent.id, true).await.unwrap());
    assert_eq!(check(&store, &before).await, ended(SessionEnd::Disabled));
    assert_eq!(
        sign_in(&store, "james@example.com", "not-his-password")
            .await
            .err(),
        Some(SignInError::BadCredentials)
    );
    assert_eq!(
        sign_in(&store, "james@example.com", GOOD)
            .await
            .unwrap_err(),
        SignInError::Disabled
    );
    let listed = store.user(james.agent.id).await.unwrap();
    assert!(listed.disabled);
    assert_eq!(listed.agent.status, livewindow_core::AgentStatus::Offline);
    assert!(store.set_disabled(james.agent.id, false).await.unwrap());
    let again = sign_in(&store, "james@example.com", GOOD).await.unwrap();
    assert!(matches!(
        check(&store, &again).await,
        SessionCheck::Valid(_)
    ));
    // The session ended by the disable stays ended.
    assert_eq!(check(&store, &before).await, ended(SessionEnd::Disabled));
}

#[tokio::test]
async fn a_one_time_password_must_be_changed() {
    let (_db, store) = fresh().await;
    let (user, otp) = store
        .add_user(&new_user(
            "ana@example.com",
            Role::Agent,
            InitialPassword::OneTime,
        ))
        .await
        .unwrap();
    let otp = otp.expect("a one-time password is given back");
    assert_eq!(user.password, PasswordState::MustChange);
    let signed = sign_in(&store, "ana@example.com", otp.expose())
        .await
        .unwrap();
    assert_eq!(signed.session.user.password, PasswordState::MustChange);

    store
        .set_password(user.agent.id, &Password::new("a-better-secret-9"))
        .await
        .unwrap();
    assert_eq!(
        store.user(user.agent.id).await.unwrap().password,
        PasswordState::Set
    );
    assert_eq!(
        check(&store, &signed).await,
        ended(SessionEnd::PasswordChanged)
    );
    assert_eq!(
        sign_in(&store, "ana@example.com", otp.expose()).await.err(),
        Some(SignInError::BadCredentials)
    );
    sign_in(&store, "ana@example.com", "a-better-secret-9")
        .await
        .unwrap();

    // A reset gives a new one-time password and ends the sessions again.
    let fresh_otp = store.reset_password(user.agent.id).await.unwrap();
    assert_ne!(fresh_otp, otp);
    assert_eq!(
        store.user(user.agent.id).await.unwrap().password,
        PasswordState::MustChange
    );
    assert!(
        store
            .list_sessions(Some(user.agent.id))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_password_rules_and_the_users_list() {
    let (_db, store) = fresh().await;
    let invalid_password = |e: StoreError| match e {
        StoreError::Invalid { field, .. } => assert_eq!(field.as_deref(), Some("password")),
        other => panic!("expected a password error, got {other:?}"),
    };
    for bad in ["short", "Password123", "QWERTYUIOP"] {
        let given = InitialPassword::Given(Password::new(bad));
        let e = store
            .add_user(&new_user("x@example.com", Role::Agent, given))
            .await
            .unwrap_err();
        invalid_password(e);
    }
    assert!(store.users().await.unwrap().is_empty(), "nothing was added");

    let admin = add(&store, "root@example.com", Role::Admin).await;
    let e = store
        .set_password(admin.agent.id, &Password::new("1234567890"))
        .await
        .unwrap_err();
    invalid_password(e);
    let dup = InitialPassword::Given(Password::new(GOOD));
    let e = store
        .add_user(&new_user("ROOT@example.com", Role::Agent, dup))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid { field: Some(ref f), .. } if f == "email"));

    // A user made the old way has no password and cannot sign in.
    let legacy = store
        .add_agent("Old Timer", "old@example.com", 3)
        .await
        .unwrap();
    assert_eq!(
        sign_in(&store, "old@example.com", "").await.err(),
        Some(SignInError::BadCredentials)
    );
    store.set_role(legacy.id, Role::Supervisor).await.unwrap();
    let users = store.users().await.unwrap();
    let summary: Vec<(&str, Role, PasswordState)> = users
        .iter()
        .map(|u| (u.agent.email.as_str(), u.role, u.password))
        .collect();
    assert_eq!(
        summary,
        [
            ("root@example.com", Role::Admin, PasswordState::Set),
            ("old@example.com", Role::Supervisor, PasswordState::Unset),
        ]
    );
    assert!(matches!(
        store.set_role(9999, Role::Admin).await,
        Err(StoreError::NotFound(_))
    ));
}

#[tokio::test]
async fn idle_and_absolute_expiry() {
    let (_db, store) = fresh().await;
    add(&store, "lee@example.com", Role::Agent).await;
    let idle = sign_in(&store, "lee@example.com", GOOD).await.unwrap();
    let old = sign_in(&store, "lee@example.com", GOOD).await.unwrap();
    let used = sign_in(&store, "lee@example.com", GOOD).await.unwrap();
    let now = store.now_ms().await.unwrap();
    // 12 h and 30 days by default.
    let created = row(&store, used.session.session_id).await;
    assert_eq!(created.2 - created.0, 12 * 3_600_000);
    assert_eq!(created.3 - created.0, 30 * 86_400_000);

    set(&store, idle.session.session_id, "idle_expires_ms", now - 1).await;
    set(
        &store,
        old.session.session_id,
        "absolute_expires_ms",
        now - 1,
    )
    .await;
    assert_eq!(check(&store, &idle).await, ended(SessionEnd::Idle));
    assert_eq!(check(&store, &old).await, ended(SessionEnd::Expired));
    let live = store.list_sessions(None).await.unwrap();
    assert_eq!(
        live.iter().map(|s| s.id).collect::<Vec<_>>(),
        [used.session.session_id]
    );

    // Used after two minutes with 5 s left: the idle expiry slides to 12 h from now.
    let id = used.session.session_id;
    set(&store, id, "last_seen_ms", now - 120_000).await;
    set(&store, id, "idle_expires_ms", now + 5_000).await;
    assert!(matches!(check(&store, &used).await, SessionCheck::Valid(_)));
    let (_, seen, idle_expires, _) = row(&store, id).await;
    assert!(seen >= now, "last seen {seen} moved to now {now}");
    assert!(
        idle_expires >= now + 12 * 3_600_000 - 1_000,
        "{idle_expires}"
    );
    // Used again at once: nothing is written (at most once a minute).
    set(&store, id, "idle_expires_ms", now + 7_000).await;
    assert!(matches!(check(&store, &used).await, SessionCheck::Valid(_)));
    assert_eq!(row(&store, id).await.2, now + 7_000);

    // The options set shorter lives for new sessions.
    store
        .set_option("SVC_CHAT_SESSION_IDLE_HOURS", "1", None)
        .await
        .unwrap();
    store
        .set_option("SVC_CHAT_SESSION_MAX_DAYS", "2", None)
        .await
        .unwrap();
    let short = sign_in(&store, "lee@example.com", GOOD).await.unwrap();
    let (created, _, idle_expires, absolute) = row(&store, short.session.session_id).await;
    assert_eq!(idle_expires - created, 3_600_000);
    assert_eq!(absolute - created, 2 * 86_400_000);
    assert_eq!(short.idle_expires_ms, idle_expires);
}

/// (created, last seen, idle expiry, absolute expiry) of a session, read directly.
async fn row(store: &Store, id: i64) -> (i64, i64, i64, i64) {
    let r = sqlx::query(
        "SELECT created_ms, last_seen_ms, idle_expires_ms, absolute_expires_ms \
         FROM sessions WHERE id = $1",
    )
    .bind(id)
    .fetch_one(store.pool())
    .await
    .unwrap();
    (
        r.get("created_ms"),
        r.get("last_seen_ms"),
        r.get("idle_expires_ms"),
        r.get("absolute_expires_ms"),
    )
}

/// Moves a session's clock: the test's way to let hours pass.
async fn set(store: &Store, id: i64, column: &str, value: i64) {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE sessions SET {column} = $1 WHERE id = $2"
    )))
    .bind(value)
    .bind(id)
    .execute(store.pool())
    .await
    .unwrap();
}

#[tokio::test]
async fn revoke_by_id_by_user_and_sign_out() {
    let (_db, store) = fresh().await;
    let a = add(&store, "a@example.com", Role::Agent).await;
    let b = add(&store, "b@example.com", Role::Admin).await;
    let a1 = sign_in(&store, "a@example.com", GOOD).await.unwrap();
    let a2 = sign_in(&store, "a@example.com", GOOD).await.unwrap();
    let b1 = sign_in(&store, "b@example.com", GOOD).await.unwrap();
    assert_eq!(store.list_sessions(None).await.unwrap().len(), 3);
    let mine = store.list_sessions(Some(a.agent.id)).await.unwrap();
    assert_eq!(mine.len(), 2);
    assert_eq!(mine[0].device, "test laptop");
    assert_eq!(mine[0].address, "192.0.2.1");
    assert_eq!(mine[0].email, "a@example.com");

    assert!(store.revoke_session(a1.session.session_id).await.unwrap());
    assert!(!store.revoke_session(a1.session.session_id).await.unwrap());
    assert_eq!(check(&store, &a1).await, ended(SessionEnd::Revoked));
    assert!(store.session_agent(&a1.token).await.unwrap().is_none());
    assert!(matches!(check(&store, &a2).await, SessionCheck::Valid(_)));

    assert_eq!(store.revoke_sessions_of(a.agent.id).await.unwrap(), 1);
    assert_eq!(check(&store, &a2).await, ended(SessionEnd::Revoked));
    assert!(matches!(check(&store, &b1).await, SessionCheck::Valid(_)));
    assert_eq!(store.list_sessions(None).await.unwrap().len(), 1);

    assert!(store.sign_out(&b1.token).await.unwrap());
    assert!(!store.sign_out(&b1.token).await.unwrap());
    assert_eq!(check(&store, &b1).await, ended(SessionEnd::SignedOut));
    assert_eq!(b.role, Role::Admin);

    for token in ["", "not-a-token", &"0".repeat(64)] {
        let token = Password::new(token);
        assert_eq!(
            store.check_session(&token).await.unwrap(),
            SessionCheck::Unknown
        );
    }
}

#[tokio::test]
async fn tokens_and_passwords_are_stored_only_hashed() {
    let (_db, store) = fresh().await;
    add(&store, "kim@example.com", Role::Agent).await;
    let signed = sign_in(&store, "kim@example.com", GOOD).await.unwrap();
    let token = signed.token.expose().to_string();
    let rows = sqlx::query("SELECT token_sha256, device, address, revoked_why FROM sessions")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let stored: String = rows[0].get("token_sha256");
    assert_eq!(stored, hex::encode(Sha256::digest(token.as_bytes())));
    for column in ["token_sha256", "device", "address", "revoked_why"] {
        let value: Option<String> = rows[0].get(column);
        assert!(!value.unwrap_or_default().contains(&token), "{column}");
    }
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM agents")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(GOOD));
    // Nor in a Debug.
    let shown = format!("{signed:?}");
    assert!(!shown.contains(&token), "{shown}");
    assert!(shown.contains("***"));
}

/// Waits, if needed, so that the next seconds stay inside one minute of the database's
/// clock (the limits count per minute).
async fn clear_of_minute_boundary(store: &Store) {
    let into = store.now_ms().await.unwrap().rem_euclid(60_000);
    if into > 40_000 {
        tokio::time::sleep(Duration::from_millis((60_000 - into + 300) as u64)).await;
    }
}

/// 40 attempts at once; (bad credentials, too many) among their answers.
async fn forty_at_once(store: &Store, who: impl Fn(usize) -> (String, String)) -> (usize, usize) {
    let mut tasks = Vec::new();
    for i in 0..40 {
        let store = store.clone();
        let (email, address) = who(i);
        tasks.push(tokio::spawn(async move {
            store
                .sign_in(&email, &Password::new("wrong-password-0"), "bot", &address)
                .await
        }));
    }
    let (mut bad, mut many) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Err(SignInError::BadCredentials) => bad += 1,
            Err(SignInError::TooManyAttempts { retry_after_secs }) => {
                assert!((1..=60).contains(&retry_after_secs), "{retry_after_secs}");
                many += 1;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    (bad, many)
}

#[tokio::test]
async fn the_limits_hold_under_concurrency() {
    let (_db, store) = fresh().await;
    add(&store, "target@example.com", Role::Agent).await;
    add(&store, "other@example.com", Role::Agent).await;
    clear_of_minute_boundary(&store).await;

    // One address, forty emails: the address's limit.
    let (bad, many) = forty_at_once(&store, |i| {
        (format!("user{i}@example.com"), "198.51.100.7".to_string())
    })
    .await;
    println!("one address: {bad} bad credentials, {many} too many");
    assert!(bad <= 10, "{bad} attempts got through");
    assert_eq!(bad + many, 40);
    assert!(matches!(
        store
            .sign_in(
                "other@example.com",
                &Password::new(GOOD),
                "pc",
                "198.51.100.7"
            )
            .await,
        Err(SignInError::TooManyAttempts { .. })
    ));

    // One account, forty addresses: the account's limit, which then holds even for the
    // right password.
    let (bad, many) = forty_at_once(&store, |i| {
        ("target@example.com".to_string(), format!("203.0.113.{i}"))
    })
    .await;
    println!("one account: {bad} bad credentials, {many} too many");
    assert!(bad <= 10, "{bad} attempts got through");
    assert_eq!(bad + many, 40);
    assert!(matches!(
        store
            .sign_in(
                "target@example.com",
                &Password::new(GOOD),
                "pc",
                "192.0.2.50"
            )
            .await,
        Err(SignInError::TooManyAttempts { .. })
    ));

    // Someone else from elsewhere is not held up.
    store
        .sign_in(
            "other@example.com",
            &Password::new(GOOD),
            "pc",
            "192.0.2.51",
        )
        .await
        .unwrap();
}
