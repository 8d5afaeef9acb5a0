//! Users and their sessions: `livewindow user …` and `livewindow session …`. Passwords are
//! read without echo on a terminal, or from standard input with `--password-stdin`, and are
//! never printed; a one-time password is printed once, when one is made.

use crate::core::account::check_password;
use crate::core::{Password, Role};
use crate::store::{InitialPassword, NewUser, Store, StoreError, User};
use anyhow::{Context, Result, anyhow, bail};
use clap::Subcommand;
use std::io::IsTerminal;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user. The password is asked twice on a terminal, read from standard input with
    /// --password-stdin, or else made up and printed once: a one-time password that must be
    /// changed at the first sign-in.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// agent, supervisor or admin.
        #[arg(long)]
        role: String,
        /// Queues to work (repeat the flag for several).
        #[arg(long = "queue")]
        queues: Vec<String>,
        /// How many chats they take at once.
        #[arg(long, default_value_t = 3)]
        max_chats: i64,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a user's password (asked, read with --password-stdin, or a new one-time
    /// password); this ends all their sessions.
    Passwd {
        email: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a user's role: agent, supervisor or admin.
    Role {
        email: String,
        role: String,
    },
    /// Stop a user from signing in; this ends all their sessions.
    Disable {
        email: String,
    },
    /// Let a disabled user sign in again.
    Enable {
        email: String,
    },
    List,
}

#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// The signed-in sessions (of --user only, if given).
    List {
        #[arg(long)]
        user: Option<String>,
    },
    /// End one session (by the id `session list` shows) or every session of --user.
    Revoke {
        id: Option<i64>,
        #[arg(long)]
        user: Option<String>,
    },
}

/// Where a new password comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Stdin,
    Terminal,
    /// Neither: a one-time password is made and printed.
    OneTime,
}

fn source(password_stdin: bool) -> Source {
    if password_stdin {
        Source::Stdin
    } else if std::io::stdin().is_terminal() {
        Source::Terminal
    } else {
        Source::OneTime
    }
}

/// Reads a new password from `source`; `None` for a one-time password.
async fn new_password(source: Source, email: &str) -> Result<Option<Password>> {
    if source == Source::OneTime {
        return Ok(None);
    }
    let email = email.to_string();
    // Reading a terminal or a pipe blocks; keep it off the runtime's threads.
    let password = tokio::task::spawn_blocking(move || read_password(source, &email))
        .await
        .context("reading the password stopped")??;
    check_password(password.expose()).map_err(|e| anyhow!(e))?;
    Ok(Some(password))
}

fn read_password(source: Source, email: &str) -> Result<Password> {
    if source == Source::Stdin {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        let line = line.strip_suffix('\n').unwrap_or(&line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            bail!("no password on standard input");
        }
        return Ok(Password::new(line));
    }
    let first = rpassword::prompt_password(format!("New password for {email}: "))
        .context("cannot read the password from the terminal")?;
    // Told before the second prompt, so nobody types a refused password twice.
    check_password(&first).map_err(|e| anyhow!(e))?;
    let again = rpassword::prompt_password("Again: ")
        .context("cannot read the password from the terminal")?;
    if first != again {
        bail!("the two passwords differ; nothing was changed");
    }
    Ok(Password::new(first))
}

fn parse_role(role: &str) -> Result<Role> {
    role.parse::<Role>().map_err(|e| anyhow!(e))
}

/// A user by email (or exact name), with a hint that fits these commands.
async fn find_user(store: &Store, who: &str) -> Result<User> {
    let agent = store.find_agent(who).await.map_err(|e| match e {
        StoreError::NotFound(_) => anyhow!(
            "no user {:?}; `livewindow user list` shows the users",
            who.trim()
        ),
        other => anyhow!(other),
    })?;
    Ok(store.user(agent.id).await?)
}

pub(super) const ONE_TIME: &str = "One-time password (it must be changed at the first sign-in):";

pub(super) async fn user(store: &Store, command: &UserCommand) -> Result<()> {
    match command {
        UserCommand::Add {
            email,
            name,
            role,
            queues,
            max_chats,
            password_stdin,
        } => {
            // Everything that can be refused is checked before the password is asked.
            let role = parse_role(role)?;
            crate::core::validate::name(name).map_err(|e| anyhow!("name: {e}"))?;
            crate::core::validate::email(email).map_err(|e| anyhow!("email: {e}"))?;
            let mut queue_ids = Vec::new();
            for q in queues {
                queue_ids.push(store.find_queue(Some(q)).await?.0);
            }
            let password = match new_password(source(*password_stdin), email).await? {
                Some(p) => InitialPassword::Given(p),
                None => InitialPassword::OneTime,
            };
            let new = NewUser {
                name: name.clone(),
                email: email.clone(),
                role,
                max_chats: *max_chats,
                queues: queue_ids,
                password,
            };
            let (user, one_time) = store.add_user(&new).await?;
            println!(
                "Added {} {} <{}> (id {}).",
                user.role, user.agent.name, user.agent.email, user.agent.id
            );
            if let Some(p) = one_time {
                println!("{ONE_TIME} {}", p.expose());
            }
        }
        UserCommand::Passwd {
            email,
            password_stdin,
        } => {
            let user = find_user(store, email).await?;
            match new_password(source(*password_stdin), &user.agent.email).await? {
                Some(p) => {
                    store.set_password(user.agent.id, &p).await?;
                    println!(
                        "Password of {} changed; their sessions were ended.",
                        user.agent.name
                    );
                }
                None => {
                    let p = store.reset_password(user.agent.id).await?;
                    println!(
                        "Password of {} reset; their sessions were ended.",
                        user.agent.name
                    );
                    println!("{ONE_TIME} {}", p.expose());
                }
            }
        }
        UserCommand::Role { email, role } => {
            let role = parse_role(role)?;
            let user = find_user(store, email).await?;
            store.set_role(user.agent.id, role).await?;
            println!("{} is now {role}.", user.agent.name);
        }
        UserCommand::Disable { email } => {
            let user = find_user(store, email).await?;
            if store.set_disabled(user.agent.id, true).await? {
                println!(
                    "{} is disabled; their sessions were ended.",
                    user.agent.name
                );
            } else {
                println!("{} was already disabled.", user.agent.name);
            }
        }
        UserCommand::Enable { email } => {
            let user = find_user(store, email).await?;
            if store.set_disabled(user.agent.id, false).await? {
                println!("{} may sign in again.", user.agent.name);
            } else {
                println!("{} was not disabled.", user.agent.name);
            }
        }
        UserCommand::List => {
            for u in store.users().await? {
                println!(
                    "{:>4}  {:<24} {:<32} {:<10} {:<8} {}",
                    u.agent.id,
                    u.agent.name,
                    u.agent.email,
                    u.role,
                    if u.disabled { "disabled" } else { "enabled" },
                    u.password.as_str()
                );
            }
        }
    }
    Ok(())
}

pub(super) async fn session(store: &Store, command: &SessionCommand) -> Result<()> {
    use crate::core::time::date_time;
    match command {
        SessionCommand::List { user } => {
            let agent = match user {
                Some(who) => Some(find_user(store, who).await?.agent.id),
                None => None,
            };
            let sessions = store.list_sessions(agent).await?;
            if sessions.is_empty() {
                println!("No one is signed in.");
            }
            for s in sessions {
                println!(
                    "{:>5}  {:<32} {:<24} {:<16} signed in {}  last seen {}  ends by {}",
                    s.id,
                    s.email,
                    s.device,
                    s.address,
                    date_time(s.created_ms),
                    date_time(s.last_seen_ms),
                    date_time(s.idle_expires_ms.min(s.absolute_expires_ms))
                );
            }
        }
        SessionCommand::Revoke { id, user } => match (id, user) {
            (Some(id), None) => {
                if !store.revoke_session(*id).await? {
                    bail!("no live session {id}; `livewindow session list` shows them");
                }
                println!("Session {id} ended.");
            }
            (None, Some(who)) => {
                let user = find_user(store, who).await?;
                let n = store.revoke_sessions_of(user.agent.id).await?;
                let s = if n == 1 { "" } else { "s" };
                println!("Ended {n} session{s} of {}.", user.agent.name);
            }
            _ => bail!("name one session: `session revoke ID` or `session revoke --user EMAIL`"),
        },
    }
    Ok(())
}
