//! Users and their sessions: `livewindow user …` and `livewindow session …`. Passwords are
//! read without echo on a terminal, or from standard input with `--password-stdin`, and are
//! never printed; a one-time password is printed once, when one is made.

use crate::core::account::check_password;
use crate::core::{Password, Role};
use crate::data::admin::{AdminData, NewAccount};
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
    /// Let a supervisor supervise a queue (repeat --queue for several); with --remove,
    /// stop. Administrators supervise every queue.
    Supervise {
        email: String,
        #[arg(long = "queue", required = true)]
        queues: Vec<String>,
        #[arg(long)]
        remove: bool,
    },
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
pub(super) enum Source {
    Stdin,
    Terminal,
    /// Neither: a one-time password is made and printed.
    OneTime,
}

pub(super) fn source(password_stdin: bool) -> Source {
    if password_stdin {
        Source::Stdin
    } else if std::io::stdin().is_terminal() {
        Source::Terminal
    } else {
        Source::OneTime
    }
}

/// Reads a new password from `source`; `None` for a one-time password.
pub(super) async fn new_password(source: Source, email: &str) -> Result<Option<Password>> {
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

/// The first line of standard input, as a password (`--password-stdin`).
pub(super) fn password_line() -> Result<Password> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let line = line.strip_suffix('\n').unwrap_or(&line);
    let line = line.strip_suffix('\r').unwrap_or(line);
    if line.is_empty() {
        bail!("no password on standard input");
    }
    Ok(Password::new(line))
}

pub(super) fn read_password(source: Source, email: &str) -> Result<Password> {
    if source == Source::Stdin {
        return password_line();
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

pub(super) const ONE_TIME: &str = "One-time password (it must be changed at the first sign-in):";

pub(super) async fn user(admin: &dyn AdminData, command: &UserCommand) -> Result<()> {
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
            let queues = admin.find_queues(queues.clone()).await?;
            let password = new_password(source(*password_stdin), email).await?;
            let account = admin
                .add_user(NewAccount {
                    name: name.clone(),
                    email: email.clone(),
                    role,
                    max_chats: *max_chats,
                    queues: queues.iter().map(|q| q.id).collect(),
                    password,
                })
                .await?;
            let user = account.user;
            println!(
                "Added {} {} <{}> (id {}).",
                user.role, user.agent.name, user.agent.email, user.agent.id
            );
            if let Some(p) = account.one_time_password {
                println!("{ONE_TIME} {}", p.expose());
            }
        }
        UserCommand::Passwd {
            email,
            password_stdin,
        } => {
            let user = admin.user(email.clone()).await?;
            let password = new_password(source(*password_stdin), &user.agent.email).await?;
            let account = admin
                .set_password(user.agent.email.clone(), password)
                .await?;
            let name = &account.user.agent.name;
            match account.one_time_password {
                Some(p) => {
                    println!("Password of {name} reset; their sessions were ended.");
                    println!("{ONE_TIME} {}", p.expose());
                }
                None => println!("Password of {name} changed; their sessions were ended."),
            }
        }
        UserCommand::Role { email, role } => {
            let role = parse_role(role)?;
            let user = admin.set_role(email.clone(), role).await?;
            println!("{} is now {role}.", user.agent.name);
        }
        UserCommand::Disable { email } => {
            let s = admin.set_disabled(email.clone(), true).await?;
            if s.changed {
                println!(
                    "{} is disabled; their sessions were ended.",
                    s.user.agent.name
                );
            } else {
                println!("{} was already disabled.", s.user.agent.name);
            }
        }
        UserCommand::Enable { email } => {
            let s = admin.set_disabled(email.clone(), false).await?;
            if s.changed {
                println!("{} may sign in again.", s.user.agent.name);
            } else {
                println!("{} was not disabled.", s.user.agent.name);
            }
        }
        UserCommand::Supervise {
            email,
            queues,
            remove,
        } => {
            for queue in queues {
                let m = admin
                    .supervise_queue(email.clone(), queue.clone(), !remove)
                    .await?;
                let (who, q) = (&m.agent.name, &m.queue.name);
                println!(
                    "{}",
                    match (remove, m.changed) {
                        (false, true) => format!("{who} now supervises {q}."),
                        (false, false) => format!("{who} already supervised {q}."),
                        (true, true) => format!("{who} no longer supervises {q}."),
                        (true, false) => format!("{who} did not supervise {q}."),
                    }
                );
            }
        }
        UserCommand::List => {
            for u in admin.users().await? {
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

pub(super) async fn session(admin: &dyn AdminData, command: &SessionCommand) -> Result<()> {
    use crate::core::time::date_time;
    match command {
        SessionCommand::List { user } => {
            let sessions = admin.sessions(user.clone()).await?;
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
                if !admin.revoke_session(*id).await? {
                    bail!("no live session {id}; `livewindow session list` shows them");
                }
                println!("Session {id} ended.");
            }
            (None, Some(who)) => {
                let r = admin.revoke_sessions_of(who.clone()).await?;
                let s = if r.count == 1 { "" } else { "s" };
                println!("Ended {} session{s} of {}.", r.count, r.user.agent.name);
            }
            _ => bail!("name one session: `session revoke ID` or `session revoke --user EMAIL`"),
        },
    }
    Ok(())
}
