//! `livewindow login --server URL`: an administrator signs in from another computer and the
//! session is kept (`client::keep`: the keyring, else a 0600 file); the admin commands with
//! `--server URL` then run through that server with it. `livewindow logout` ends it on the
//! server and forgets it.

use super::{Cli, LoginArgs};
use crate::client::keep::{Keeper, Kept, Purpose};
use crate::client::{self, Admin, Server};
use crate::core::{Password, Role, StoreError};
use anyhow::{Context, Result, anyhow, bail};
use std::io::IsTerminal;

/// The server named by `--server`, with the flags that say how to reach it.
fn server(cli: &Cli, given: &str) -> Result<Server> {
    let server =
        Server::new(given, cli.insecure_http, cli.server_ca.as_deref()).map_err(|e| anyhow!(e))?;
    if let Some(warning) = server.warning() {
        eprintln!("livewindow: {warning}");
    }
    Ok(server)
}

/// Runs a keeper's blocking work off the runtime's threads.
async fn keeping<T: Send + 'static>(
    work: impl FnOnce(Keeper) -> Result<T, String> + Send + 'static,
) -> Result<T> {
    let keeper = Keeper::platform().map_err(|e| anyhow!(e))?;
    tokio::task::spawn_blocking(move || work(keeper))
        .await
        .context("the kept sessions could not be read")?
        .map_err(|e| anyhow!(e))
}

/// The email to sign in with: `--email`, else asked on the terminal.
fn email(args: &LoginArgs) -> Result<String> {
    if let Some(email) = &args.email {
        return Ok(email.trim().to_string());
    }
    if !std::io::stdin().is_terminal() || args.password_stdin {
        bail!("give the email with --email (there is no terminal to ask it on)");
    }
    eprint!("Email: ");
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("cannot read the email from the terminal")?;
    Ok(line.trim().to_string())
}

fn password(args: &LoginArgs, email: &str) -> Result<Password> {
    if args.password_stdin {
        return super::users::password_line();
    }
    if !std::io::stdin().is_terminal() {
        bail!("give the password on a terminal, or with --password-stdin");
    }
    let typed = rpassword::prompt_password(format!("Password for {email}: "))
        .context("cannot read the password from the terminal")?;
    Ok(Password::new(typed))
}

/// The new password that replaces a one-time one: asked twice on the terminal, or with
/// `--password-stdin` the second and third lines of standard input (the first was the
/// one-time password), which must agree.
fn replacement(args: &LoginArgs, email: &str) -> Result<Password> {
    if !args.password_stdin {
        if !std::io::stdin().is_terminal() {
            bail!(
                "a one-time password must be changed: do it on a terminal, or with --password-stdin"
            );
        }
        eprintln!("{email} signed in with a one-time password; choose your own now.");
        return super::users::read_password(super::users::Source::Terminal, email);
    }
    let first = super::users::password_line()
        .context("a one-time password must be changed: give the new one on the second line")?;
    let again = super::users::password_line()
        .context("a one-time password must be changed: give the new one again on the third line")?;
    if first != again {
        bail!("the two new passwords differ; nothing was changed");
    }
    Ok(first)
}

pub(super) async fn login(cli: &Cli, given: &str, args: &LoginArgs) -> Result<()> {
    let server = server(cli, given)?;
    let typed = args.clone();
    let (email, password) = tokio::task::spawn_blocking(move || {
        let email = email(&typed)?;
        let password = password(&typed, &email)?;
        anyhow::Ok((email, password))
    })
    .await
    .context("reading the email and password stopped")??;
    let (remote, answer) = client::sign_in(&server, &email, &password, &client::device_name())
        .await
        .map_err(|e| anyhow!(e.to_string()))?;
    if answer.role != Role::Admin {
        // Not an administrator: the session just opened ends at once.
        let _ = remote.sign_out().await;
        bail!(
            "{} is signed in as {}, not admin: the admin commands need an administrator",
            answer.email,
            answer.role
        );
    }
    if answer.must_change_password {
        let (args, email) = (args.clone(), answer.email.clone());
        let new = tokio::task::spawn_blocking(move || replacement(&args, &email))
            .await
            .context("reading the new password stopped")?;
        let changed = match new {
            Ok(new) => remote
                .change_password(&password, &new)
                .await
                .map_err(|e| anyhow!(e)),
            Err(e) => Err(e),
        };
        if let Err(e) = changed {
            // Nothing is kept: a session that must change its password opens nothing else.
            let _ = remote.sign_out().await;
            return Err(e);
        }
        eprintln!("Your password is changed.");
    }
    let kept = Kept {
        server: server.url().to_string(),
        email: answer.email.clone(),
        agent_id: answer.agent_id,
        token: remote.token().clone(),
    };
    let place = keeping(move |k| k.store(Purpose::Admin, &kept)).await?;
    if let Some(warning) = place.warning() {
        eprintln!("livewindow: {warning}");
    }
    println!(
        "Signed in to {} as {} <{}> (admin). The admin commands take --server {}.",
        server.url(),
        answer.name,
        answer.email,
        server.url()
    );
    Ok(())
}

/// The server whose administrator's session to end: `--server`, else the only one kept.
async fn kept_server(cli: &Cli, given: Option<&str>) -> Result<Server> {
    if let Some(given) = given {
        return server(cli, given);
    }
    let servers = keeping(|k| k.servers(Purpose::Admin)).await?;
    match servers.as_slice() {
        [] => bail!("no administrator's session is kept on this computer"),
        [one] => server(cli, one),
        many => bail!(
            "sessions are kept for {}; name one with --server",
            many.join(", ")
        ),
    }
}

pub(super) async fn logout(cli: &Cli, given: Option<&str>) -> Result<()> {
    let server = kept_server(cli, given).await?;
    let url = server.url().to_string();
    let key = url.clone();
    let Some(kept) = keeping(move |k| k.load(Purpose::Admin, &key)).await? else {
        bail!("no administrator's session is kept for {url}");
    };
    let ended = Admin::resume(server, kept.token).sign_out().await;
    let key = url.clone();
    keeping(move |k| k.forget(Purpose::Admin, &key)).await?;
    if let Err(e) = ended {
        bail!("the session is forgotten on this computer, but {url} could not end it: {e}");
    }
    println!("Signed out of {url}.");
    Ok(())
}

/// The administrator's session kept for `--server`, as the admin commands' data.
pub(super) async fn admin(cli: &Cli, given: &str) -> Result<Admin> {
    let server = server(cli, given)?;
    let url = server.url().to_string();
    let key = url.clone();
    match keeping(move |k| k.load(Purpose::Admin, &key)).await? {
        Some(kept) => Ok(Admin::resume(server, kept.token)),
        None => bail!("not signed in to {url}: run `livewindow login --server {url}` first"),
    }
}

/// A refusal through the server in one line, with what to do when the session ended.
pub(super) fn through(server: &str, e: anyhow::Error) -> anyhow::Error {
    match e.downcast_ref::<StoreError>() {
        Some(StoreError::SignedOut { .. }) => anyhow!(
            "{e} The session kept for {server} no longer opens anything: run `livewindow login \
             --server {server}` again"
        ),
        _ => e,
    }
}
