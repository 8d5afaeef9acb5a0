//! A team's desktop, `livewindow --server URL`: the session kept on this computer, or the
//! sign-in screen, then the console with everything through the server. It holds no
//! database URL and opens no database connection.
//!
//! "Keep me signed in on this computer" keeps the session (`client::keep`: the token in the
//! keyring, else in a 0600 file, said in one line); the next start on that server resumes
//! it. A session that ends, or *Sign out*, forgets it. The server and email last signed in
//! with are remembered either way (never the password), to fill the screen next time.

use crate::client::keep::{Keeper, Kept, Purpose};
use crate::client::{self, Remote, Server, SignInProblem};
use crate::core::StoreError;
use crate::data::Data;
use crate::ui::app::{Connect, ForgetFn};
use crate::ui::sign_in::{Credentials, Failed};
use crate::ui::{SignInFn, Team};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub fn console(server: &str, insecure: bool, ca: Option<PathBuf>) -> anyhow::Result<()> {
    let given = Server::new(server, insecure, ca.as_deref()).map_err(anyhow::Error::msg)?;
    if let Some(warning) = given.warning() {
        eprintln!("livewindow: {warning}");
    }
    let keeper = match Keeper::platform() {
        Ok(k) => Some(k),
        Err(e) => {
            eprintln!("livewindow: warning: {e}; no session is kept");
            None
        }
    };
    let session_dir = crate::ui::session::default_dir();
    crate::ui::run(config(given, insecure, ca, keeper, session_dir))?;
    Ok(())
}

/// The console's setup for a team's desktop on `given`, keeping sessions with `keeper`.
pub fn config(
    given: Server,
    insecure: bool,
    ca: Option<PathBuf>,
    keeper: Option<Keeper>,
    session_dir: Option<PathBuf>,
) -> crate::ui::Config {
    let url = given.url().to_string();
    let email = keeper
        .as_ref()
        .and_then(Keeper::last)
        .filter(|last| last.server == url)
        .map(|last| last.email)
        .unwrap_or_default();
    // The server of the session in use (the kept one, or the one signed in to): the one a
    // session's end forgets.
    let current = Arc::new(Mutex::new(url.clone()));
    crate::ui::Config {
        connect: resume(keeper.clone(), given, current.clone()),
        session_dir,
        team: Some(Team {
            server: url,
            email,
            sign_in: sign_in(keeper.clone(), insecure, ca, current.clone()),
            forget: forget(keeper, current),
        }),
    }
}

/// The session kept for `server`, if any; else the console starts at the sign-in screen.
fn resume(keeper: Option<Keeper>, server: Server, current: Arc<Mutex<String>>) -> Connect {
    Arc::new(move || {
        let (keeper, server, current) = (keeper.clone(), server.clone(), current.clone());
        Box::pin(async move {
            let url = server.url().to_string();
            let key = url.clone();
            let kept = match keeper {
                Some(k) => tokio::task::spawn_blocking(move || k.load(Purpose::Desktop, &key))
                    .await
                    .unwrap_or_else(|e| Err(e.to_string())),
                None => Ok(None),
            };
            match kept {
                Ok(Some(kept)) => {
                    if let Ok(mut c) = current.lock() {
                        *c = url;
                    }
                    let remote = Remote::resume(server, kept.token, kept.agent_id);
                    Ok(Arc::new(remote) as Data)
                }
                Ok(None) => Err(StoreError::SignedOut { why: None }),
                Err(e) => {
                    eprintln!("livewindow: warning: the kept session cannot be read: {e}");
                    Err(StoreError::SignedOut { why: None })
                }
            }
        })
    })
}

fn sign_in(
    keeper: Option<Keeper>,
    insecure: bool,
    ca: Option<PathBuf>,
    current: Arc<Mutex<String>>,
) -> SignInFn {
    Arc::new(move |c: Credentials| {
        let (keeper, ca, current) = (keeper.clone(), ca.clone(), current.clone());
        Box::pin(async move {
            let server =
                Server::new(&c.server, insecure, ca.as_deref()).map_err(|line| Failed {
                    line,
                    refused: false,
                    must_change: false,
                })?;
            let device = client::device_name();
            let (remote, answer) = client::sign_in(&server, &c.email, &c.password, &device)
                .await
                .map_err(|e| Failed {
                    line: e.to_string(),
                    refused: matches!(e, SignInProblem::Refused { .. }),
                    must_change: false,
                })?;
            if answer.must_change_password {
                // Nothing is kept until the one-time password is changed.
                if let Err(line) = change(&remote, &c).await {
                    let _ = remote.sign_out().await;
                    return Err(Failed {
                        line,
                        refused: false,
                        must_change: true,
                    });
                }
            }
            let kept = Kept {
                server: server.url().to_string(),
                email: answer.email,
                agent_id: answer.agent_id,
                token: remote.token().clone(),
            };
            if let Ok(mut current) = current.lock() {
                current.clone_from(&kept.server);
            }
            if let Some(keeper) = keeper {
                let keep = c.keep;
                let _ = tokio::task::spawn_blocking(move || remember(&keeper, keep, &kept)).await;
            }
            Ok(Arc::new(remote) as Data)
        })
    })
}

/// Replaces the one-time password just signed in with by the new one the screen asked for
/// (the session goes on); without one yet, the line that asks for it.
async fn change(remote: &Remote, c: &Credentials) -> Result<(), String> {
    match &c.new_password {
        None => Err("You signed in with a one-time password: choose your own now.".into()),
        Some(new) => remote
            .change_password(&c.password, new)
            .await
            .map_err(|e| crate::ui::sentence("The password is not changed", &e)),
    }
}

/// After a sign-in: the server and email remembered; the session kept when asked, else
/// any session kept before for that server forgotten.
fn remember(keeper: &Keeper, keep: bool, kept: &Kept) {
    if let Err(e) = keeper.remember(&kept.server, &kept.email) {
        eprintln!("livewindow: warning: the email is not remembered: {e}");
    }
    let done = match keep {
        true => keeper
            .store(Purpose::Desktop, kept)
            .map(|place| place.warning()),
        false => keeper.forget(Purpose::Desktop, &kept.server).map(|_| None),
    };
    match done {
        Ok(Some(warning)) => eprintln!("livewindow: {warning}"),
        Ok(None) => {}
        Err(e) => eprintln!("livewindow: warning: the session is not kept: {e}"),
    }
}

fn forget(keeper: Option<Keeper>, current: Arc<Mutex<String>>) -> ForgetFn {
    Arc::new(move || {
        let (keeper, current) = (keeper.clone(), current.clone());
        Box::pin(async move {
            let Some(keeper) = keeper else { return };
            let server = current.lock().map(|s| s.clone()).unwrap_or_default();
            let forgot =
                tokio::task::spawn_blocking(move || keeper.forget(Purpose::Desktop, &server)).await;
            if let Ok(Err(e)) = forgot {
                eprintln!("livewindow: warning: the kept session is not forgotten: {e}");
            }
        })
    })
}
