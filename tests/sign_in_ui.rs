//! A team's desktop without a window: the whole app (`ui::App`) set up as `livewindow
//! --server` sets it up (`team::config`: the real sign-in, keeping and forgetting), against a
//! real server on a real database (SQLite, or PostgreSQL with `TEST_DATABASE_URL`), its
//! sessions kept in a directory of the test's own (the 0600 file: no keyring asked for).
//!
//! The sign-in screen by keyboard alone: the email has the focus, Tab to the password, Tab
//! to "Keep me signed in on this computer", Space checks it, Enter signs in. The next start
//! goes straight to the console; *Sign out* ends the session and forgets it; a kept
//! session that was revoked brings the sign-in screen back saying why, the email filled in.

mod common;
mod server_support;
mod ui;

use common::{demo_with_available, fresh};
use futures::StreamExt;
use iced::keyboard::key::Named;
use iced::{Size, Task};
use iced_test::simulator::Simulator;
use livewindow::client::Server;
use livewindow::client::keep::{Keeper, Purpose};
use livewindow::core::Password;
use livewindow::server::Config;
use livewindow::ui::sign_in::{EMAIL_ID, KEEP_ID, KEEP_LABEL, PASSWORD_ID};
use livewindow::ui::{App, Message};
use server_support::InProcess;
use std::path::Path;

const MARIA: &str = "maria.santos@example.com";
const PASSWORD: &str = "correct horse battery staple";
const SIZE: Size = Size::new(1280.0, 800.0);

/// The app with a kept interface, as the runtime keeps one: focus survives updates.
struct Desktop {
    app: App,
    renderer: iced::Renderer,
    cache: Option<iced_runtime::user_interface::Cache>,
}

fn key(named: Named) -> iced::Event {
    let text = (named == Named::Space).then_some(" ");
    ui::key_event(iced::keyboard::Key::Named(named), text, Default::default())
}

fn character(c: char) -> iced::Event {
    let s = c.to_string();
    ui::key_event(
        iced::keyboard::Key::Character(s.as_str().into()),
        Some(&s),
        Default::default(),
    )
}

impl Desktop {
    async fn boot(config: livewindow::ui::Config) -> Desktop {
        use iced::advanced::renderer::Headless;
        let renderer =
            iced::Renderer::new(iced::Font::DEFAULT, iced::Pixels(16.0), Some("tiny-skia"))
                .await
                .expect("headless renderer");
        let (app, task) = App::boot(config);
        let mut d = Desktop {
            app,
            renderer,
            cache: None,
        };
        d.settle(task).await;
        d
    }

    fn step<T>(
        &mut self,
        f: impl FnOnce(
            &mut iced_runtime::UserInterface<'_, Message, iced::Theme, iced::Renderer>,
            &mut iced::Renderer,
        ) -> T,
    ) -> T {
        let mut ui = iced_runtime::UserInterface::build(
            self.app.view(),
            SIZE,
            self.cache.take().unwrap_or_default(),
            &mut self.renderer,
        );
        let out = f(&mut ui, &mut self.renderer);
        self.cache = Some(ui.into_cache());
        out
    }

    /// Runs a task and all it leads to; focus moves go to the kept interface.
    async fn settle(&mut self, task: Task<Message>) {
        let mut queue = vec![task];
        while let Some(task) = queue.pop() {
            let Some(mut stream) = iced_runtime::task::into_stream(task) else {
                continue;
            };
            while let Some(action) = stream.next().await {
                match action {
                    iced_runtime::Action::Output(m) => queue.push(self.app.update(m)),
                    iced_runtime::Action::Widget(mut op) => loop {
                        use iced::advanced::widget::operation::Outcome;
                        self.step(|ui, r| ui.operate(r, op.as_mut()));
                        match op.finish() {
                            Outcome::Chain(next) => op = next,
                            _ => break,
                        }
                    },
                    _ => {}
                }
            }
        }
    }

    /// One key, as the window delivers it: to the widgets, then to the app's listener.
    async fn press(&mut self, event: iced::Event) {
        let (mut messages, statuses) = self.step(|ui, r| {
            let mut messages = Vec::new();
            let (_, statuses) = ui.update(
                std::slice::from_ref(&event),
                iced::mouse::Cursor::Unavailable,
                r,
                &mut iced::advanced::clipboard::Null,
                &mut messages,
            );
            (messages, statuses)
        });
        let status = statuses
            .first()
            .copied()
            .unwrap_or(iced::event::Status::Ignored);
        let heard = match &self.app {
            App::SignIn(..) => livewindow::ui::app::sign_in_event(&event, status),
            _ => None,
        };
        messages.extend(heard);
        for m in messages {
            let task = self.app.update(m);
            self.settle(task).await;
        }
    }

    async fn typing(&mut self, text: &str) {
        for c in text.chars() {
            self.press(character(c)).await;
        }
    }

    fn focused(&mut self) -> Option<iced::widget::Id> {
        use iced::advanced::widget::operation::{Operation, Outcome, black_box, focusable};
        self.step(|ui, r| {
            let mut op = focusable::find_focused();
            ui.operate(r, &mut black_box(&mut op));
            match op.finish() {
                Outcome::Some(id) => Some(id),
                _ => None,
            }
        })
    }

    fn assert_focus(&mut self, id: &str) {
        assert_eq!(self.focused(), Some(iced::widget::Id::from(id.to_string())));
    }

    fn shows(&self, text: &str) -> bool {
        Simulator::with_size(iced::Settings::default(), SIZE, self.app.view())
            .find(text)
            .is_ok()
    }

    async fn click(&mut self, label: &str) {
        let messages: Vec<Message> = {
            let mut ui = Simulator::with_size(iced::Settings::default(), SIZE, self.app.view());
            ui.click(label)
                .unwrap_or_else(|e| panic!("cannot click {label:?}: {e:?}"));
            ui.into_messages().collect()
        };
        for m in messages {
            let task = self.app.update(m);
            self.settle(task).await;
        }
    }

    /// A picture of the screen, for a person to look at.
    fn picture(&self, name: &str) {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ui-snapshots");
        // iced_test names the file after the renderer too, and writes it only when missing.
        let old = |f: &std::fs::DirEntry| f.file_name().to_string_lossy().starts_with(name);
        for f in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            if old(&f) {
                let _ = std::fs::remove_file(f.path());
            }
        }
        let mut ui = Simulator::with_size(iced::Settings::default(), SIZE, self.app.view());
        let shot = ui.snapshot(&self.app.theme()).expect("a snapshot");
        assert!(shot.matches_image(dir.join(name)).expect("written"));
        println!("the screen: {}/{name}-*.png", dir.display());
    }

    fn is_signing_in(&self) -> bool {
        matches!(self.app, App::SignIn(..))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_me_signed_in_by_keyboard_resume_sign_out_and_a_revoked_kept_session() {
    let (_db, store) = fresh().await;
    let maria = demo_with_available(&store, &[MARIA]).await[0];
    store
        .set_password(maria, &Password::new(PASSWORD))
        .await
        .unwrap();
    let server = InProcess::start(&store, Config::default()).await;
    let home = tempfile::tempdir().expect("a home");
    let keeper = Keeper::at(home.path().join("kept"), false);
    let given = Server::new(&server.base, false, None).expect("a loopback server");
    let url = given.url().to_string();
    let config = || {
        livewindow::team::config(
            given.clone(),
            false,
            None,
            Some(keeper.clone()),
            Some(home.path().join("sessions")),
        )
    };

    // Nothing kept: the sign-in screen, saying nothing, the email field focused.
    let mut d = Desktop::boot(config()).await;
    assert!(d.is_signing_in());
    assert!(d.shows(KEEP_LABEL) && d.shows("Sign in"));
    d.assert_focus(EMAIL_ID);
    // A wrong password: refused with its line, the password emptied and focused again.
    d.typing(MARIA).await;
    d.press(key(Named::Tab)).await;
    d.assert_focus(PASSWORD_ID);
    d.typing("not the password").await;
    d.press(key(Named::Enter)).await;
    assert!(d.shows("The email or the password is not right."));
    d.assert_focus(PASSWORD_ID);
    // The right one; Tab to the checkbox, Space checks it, Enter (on it) signs in.
    d.typing(PASSWORD).await;
    d.press(key(Named::Tab)).await;
    d.assert_focus(KEEP_ID);
    d.press(key(Named::Space)).await;
    let App::SignIn(screen, _) = &d.app else {
        panic!("still signing in")
    };
    assert!(screen.keeps(), "Space checks the box");
    d.picture("sign-in-keep");
    d.press(key(Named::Enter)).await;
    assert!(matches!(d.app, App::Ready(..)), "signed in");
    let kept = keeper.load(Purpose::Desktop, &url).unwrap().expect("kept");
    assert_eq!((kept.email.as_str(), kept.agent_id), (MARIA, maria));
    assert!(d.shows("Sign out"));
    d.picture("console-team-toolbar");
    drop(d);

    // The next start goes straight to the console, on the same session.
    let mut d = Desktop::boot(config()).await;
    assert!(matches!(d.app, App::Ready(..)), "resumed");
    assert_eq!(store.list_sessions(Some(maria)).await.unwrap().len(), 1);

    // Sign out: the session ends on the server and is forgotten here.
    d.click("Sign out").await;
    assert!(d.is_signing_in());
    assert!(d.shows("You signed out."));
    assert!(store.list_sessions(Some(maria)).await.unwrap().is_empty());
    assert_eq!(keeper.load(Purpose::Desktop, &url), Ok(None));
    drop(d);

    // Signed in without keeping: nothing kept, the email remembered (never the password).
    let mut d = Desktop::boot(config()).await;
    assert!(d.is_signing_in());
    d.assert_focus(PASSWORD_ID);
    d.typing(PASSWORD).await;
    d.press(key(Named::Enter)).await;
    assert!(matches!(d.app, App::Ready(..)));
    assert_eq!(keeper.load(Purpose::Desktop, &url), Ok(None));
    let file = std::fs::read_to_string(keeper.path()).unwrap();
    assert!(file.contains(MARIA) && !file.contains(PASSWORD), "{file}");
    drop(d);

    // Kept, then revoked by an administrator while the desktop was closed: the next start
    // says why on the sign-in screen, email filled in, and forgets the dead session.
    let mut d = Desktop::boot(config()).await;
    d.assert_focus(PASSWORD_ID);
    d.typing(PASSWORD).await;
    d.click(KEEP_LABEL).await; // the mouse checks it too
    let App::SignIn(screen, _) = &d.app else {
        panic!("still signing in")
    };
    assert!(screen.keeps(), "a click checks the box");
    d.press(key(Named::Enter)).await;
    assert!(matches!(d.app, App::Ready(..)));
    assert!(keeper.load(Purpose::Desktop, &url).unwrap().is_some());
    drop(d);
    store.revoke_sessions_of(maria).await.unwrap();
    let d = Desktop::boot(config()).await;
    assert!(d.is_signing_in());
    assert!(d.shows("An administrator ended this session."));
    assert!(d.shows(MARIA), "the email is filled in");
    assert_eq!(keeper.load(Purpose::Desktop, &url), Ok(None));
    println!("backend: {}", store.backend());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_time_password_is_changed_on_the_sign_in_screen_then_kept() {
    use livewindow::ui::sign_in::{AGAIN_ID, NEW_ID};
    let (_db, store) = fresh().await;
    let maria = demo_with_available(&store, &[MARIA]).await[0];
    let otp = store.reset_password(maria).await.unwrap();
    let server = InProcess::start(&store, Config::default()).await;
    let home = tempfile::tempdir().expect("a home");
    let keeper = Keeper::at(home.path().join("kept"), false);
    let given = Server::new(&server.base, false, None).expect("a loopback server");
    let url = given.url().to_string();
    let config = livewindow::team::config(given, false, None, Some(keeper.clone()), None);
    let mut d = Desktop::boot(config).await;
    d.typing(MARIA).await;
    d.press(key(Named::Tab)).await;
    d.typing(otp.expose()).await;
    d.press(key(Named::Tab)).await;
    d.press(key(Named::Space)).await; // keep me signed in
    d.press(key(Named::Enter)).await;
    assert!(d.shows("Choose your own password"), "the change screen");
    d.assert_focus(NEW_ID);
    assert_eq!(
        keeper.load(Purpose::Desktop, &url),
        Ok(None),
        "not kept yet"
    );
    assert!(store.list_sessions(Some(maria)).await.unwrap().is_empty());
    // Typed differently: refused inline, both emptied, the focus back in the first.
    d.typing("tangerine-otter-42").await;
    d.press(key(Named::Tab)).await;
    d.assert_focus(AGAIN_ID);
    d.typing("tangerine-otter-43").await;
    d.press(key(Named::Enter)).await;
    assert!(d.shows("The two passwords differ; type them again."));
    d.assert_focus(NEW_ID);
    d.typing("password123").await;
    d.press(key(Named::Tab)).await;
    d.typing("password123").await;
    d.press(key(Named::Enter)).await;
    assert!(d.shows(
        "Choose another password: this password is one of the most common ones; choose another."
    ));
    d.picture("sign-in-one-time-password");
    d.typing(PASSWORD).await;
    d.press(key(Named::Tab)).await;
    d.typing(PASSWORD).await;
    d.press(key(Named::Enter)).await;
    assert!(matches!(d.app, App::Ready(..)), "the console opens");
    let kept = keeper
        .load(Purpose::Desktop, &url)
        .unwrap()
        .expect("kept after the change");
    assert_eq!(kept.agent_id, maria);
    assert_eq!(
        store.user(maria).await.unwrap().password,
        livewindow::core::account::PasswordState::Set
    );
    assert!(store.sign_in(MARIA, &otp, "t", "t").await.is_err());
    assert!(
        store
            .sign_in(MARIA, &Password::new(PASSWORD), "t", "t")
            .await
            .is_ok()
    );
    println!("backend: {}", store.backend());
    server.stop().await;
}
