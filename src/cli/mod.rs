//! Command-line arguments, and the subcommands that are not the console: the customer's
//! terminal (`customer`), administration (`admin`, `users`, `chats`: on the database, or
//! through a server with `--server` after `login`), the paste preview.

mod admin;
mod audit;
mod chats;
mod customer;
mod desktop;
mod login;
mod paste_preview;
mod replies;
mod report;
mod users;

pub use users::{SessionCommand, UserCommand};

use crate::data::admin::AdminData;
use crate::store::{self, Store};
use anyhow::{Result, bail};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(
    name = "livewindow",
    version,
    about = "Live Window: the agent console for customer chats"
)]
pub struct Cli {
    /// sqlite://PATH or postgres://USER@HOST/DB. Default: a SQLite file in the platform data
    /// directory, created on first run.
    #[arg(long, env = "LIVEWINDOW_DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    /// The agent who uses the console (email or name). Default: the first agent.
    #[arg(long, env = "LIVEWINDOW_AGENT", global = true)]
    pub agent: Option<String>,

    /// Demo: seed demo data if the database has none, and let simulated customers arrive.
    #[arg(long)]
    pub demo: bool,

    /// A team's server (https://HOST): the console signs in to it and reaches its data only
    /// through it, with no database URL. With an admin command, the command runs through it
    /// with the session `livewindow login` kept.
    #[arg(
        long,
        env = "LIVEWINDOW_SERVER",
        global = true,
        conflicts_with = "database_url"
    )]
    pub server: Option<String>,

    /// Allow a plain http:// server on another machine (the password and the customers'
    /// words then cross the network unencrypted).
    #[arg(long, global = true, requires = "server")]
    pub insecure_http: bool,

    /// A PEM certificate authority to trust for the --server's https, besides the system's
    /// (for a server whose certificate your organisation made).
    #[arg(long, env = "LIVEWINDOW_SERVER_CA", global = true, requires = "server")]
    pub server_ca: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Chat as a customer from this terminal: lines you type are sent, the agent's replies
    /// are printed. Ctrl-C leaves the chat.
    Customer(CustomerArgs),
    /// Add, list and change agents.
    #[command(subcommand)]
    Agent(AgentCommand),
    /// Users who sign in: add them with a role and a password; change passwords and roles;
    /// disable and enable them.
    #[command(subcommand)]
    User(UserCommand),
    /// Signed-in sessions: list them, end one or all of a user's.
    #[command(subcommand)]
    Session(SessionCommand),
    /// Sign in to a team's server as an administrator (--server URL) and keep the session
    /// on this computer, so the admin commands run through the server with --server URL.
    Login(LoginArgs),
    /// End the administrator's session kept by `login` (of --server URL, if several).
    Logout,
    /// Add and list queues; set which agents work them.
    #[command(subcommand)]
    Queue(QueueCommand),
    /// List chats; move one to a queue (a supervisor's transfer).
    #[command(subcommand)]
    Chat(ChatCommand),
    /// The wrap-up form's dispositions.
    #[command(subcommand)]
    Disposition(DispositionCommand),
    /// What supervisors did: monitor, whisper, join, leave, reassign, status set, end.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Reports: `report csat`, the customers' satisfaction ratings.
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// Profile options, at site level or per agent (--agent).
    #[command(subcommand)]
    Option(OptionCommand),
    /// Standard replies agents insert with "/": the site's, a queue's (--queue) or one
    /// agent's (--agent).
    #[command(subcommand)]
    Reply(ReplyCommand),
    /// Load data: the demo's CRM records, queues and agents, or many synthetic contacts.
    Seed(SeedArgs),
    /// Run simulated customers against the database (what --demo does in the background).
    DemoTraffic {
        /// Seconds between arrivals.
        #[arg(long, default_value_t = 8.0)]
        every: f64,
        /// Stop after this many customers.
        #[arg(long)]
        count: Option<usize>,
    },
    /// The team's server: the customers' chat page, its API and live channel. Run several
    /// behind a load balancer on one PostgreSQL database.
    Server(crate::server::ServerArgs),
    /// Measure offer latency and routing throughput (see BENCHMARKS.md).
    #[command(subcommand)]
    Bench(crate::bench::BenchCommand),
    /// Install the console for this user's desktop: its `.desktop` file (running this
    /// binary) in $XDG_DATA_HOME/applications and its icons in $XDG_DATA_HOME/icons/hicolor.
    InstallDesktop,
    /// Show what pasting clipboard HTML into the composer would send: the sanitized HTML,
    /// then the plain-text fallback.
    PastePreview {
        /// Clipboard HTML, with or without a CF_HTML header.
        file: PathBuf,
        /// The clipboard's RTF flavour (Word's pictures).
        #[arg(long)]
        rtf: Option<PathBuf>,
        /// The clipboard's image flavour, for an image the HTML only refers to.
        #[arg(long)]
        image: Option<PathBuf>,
        /// The clipboard's plain-text flavour, used when the HTML yields nothing.
        #[arg(long)]
        plain: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Args)]
pub struct LoginArgs {
    /// The administrator's email (else asked on the terminal).
    #[arg(long)]
    pub email: Option<String>,
    /// Read the password from the first line of standard input (for a one-time password,
    /// the new one on the second and again on the third).
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Args)]
pub struct CustomerArgs {
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub email: String,
    /// Queue name. Default: the first queue.
    #[arg(long)]
    pub queue: Option<String>,
    /// A first message, sent with the request.
    #[arg(long)]
    pub message: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        #[arg(long, default_value_t = 3)]
        max_chats: i64,
        /// Queues to join (repeat the flag for several).
        #[arg(long = "queue")]
        queues: Vec<String>,
    },
    List,
    /// Set an agent's availability: available, away or offline.
    Status {
        who: String,
        status: String,
    },
    /// Set how many chats an agent takes at once.
    MaxChats {
        who: String,
        max_chats: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum QueueCommand {
    Add {
        name: String,
    },
    List,
    /// Make an agent work a queue.
    Join {
        who: String,
        queue: String,
    },
    Leave {
        who: String,
        queue: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ChatCommand {
    /// The newest chats, with their state, queue, customer and agent.
    List {
        #[arg(long)]
        queue: Option<String>,
        /// queued, offered, active, wrap-up or ended.
        #[arg(long)]
        state: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Move a waiting or active chat to a queue; the customer is told.
    Transfer {
        id: i64,
        #[arg(long)]
        queue: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum DispositionCommand {
    Add { name: String },
    List,
    Remove { name: String },
}

#[derive(Debug, Subcommand)]
pub enum OptionCommand {
    /// Set a profile option, e.g. SVC_CHAT_CKEDITOR_ENABLED Y, at site level or for --agent.
    Set {
        name: String,
        value: String,
    },
    /// Show the value in force (for --agent, if given).
    Get {
        name: String,
    },
    /// Remove the site value or the --agent override.
    Unset {
        name: String,
    },
    List,
}

#[derive(Debug, Subcommand)]
pub enum ReplyCommand {
    /// Add a reply: for the whole site, a queue (--queue) or one agent (the global --agent).
    /// Its text may hold variables, `{{customer.first_name | "there"}}`, and placeholders
    /// the agent fills in, `[[order number]]`.
    Add {
        name: String,
        /// What the agent types after "/".
        #[arg(long)]
        shortcut: String,
        #[arg(long)]
        text: Option<String>,
        /// A formatted reply: an HTML file, kept as far as the composer's formatting goes.
        #[arg(long)]
        html: Option<PathBuf>,
        #[arg(long)]
        queue: Option<String>,
        #[arg(long)]
        folder: Option<String>,
    },
    /// Every reply, with its scope and how often it was used.
    List,
    /// Remove a reply by its name or shortcut (--queue or --agent when several match).
    Remove {
        which: String,
        #[arg(long)]
        queue: Option<String>,
    },
    /// Add the replies of a JSON file as `reply export` writes it; a reply with the same
    /// shortcut in the same scope is replaced. All or nothing.
    Import { file: PathBuf },
    /// Print every reply as JSON.
    Export,
}

#[derive(Debug, Args)]
#[group(required = true, multiple = true)]
pub struct SeedArgs {
    /// Demo CRM data, two queues and three agents (does nothing if already there).
    #[arg(long)]
    pub demo: bool,
    /// Add this many synthetic contacts.
    #[arg(long)]
    pub contacts: Option<i64>,
    /// Load test: this many chats accepted by the console's agent (--agent, default the
    /// first) from the first queue, each with --messages synthetic messages.
    #[arg(long)]
    pub chats: Option<usize>,
    /// With --chats: messages in each of those chats (default 2000). Alone: this many
    /// messages of synthetic transcripts (ended chats over eight queues, 40 agents and the
    /// last year, words of a few-thousand-word vocabulary), for search load tests.
    #[arg(long)]
    pub messages: Option<i64>,
}

/// The URL to use: the flag, or the default SQLite file.
pub fn database_url(cli: &Cli) -> Result<String> {
    match &cli.database_url {
        Some(url) if url.trim().is_empty() => bail!("the database URL is empty"),
        Some(url) => Ok(url.trim().to_string()),
        None => Ok(store::sqlite_url(&store::default_sqlite_path()?)),
    }
}

/// The commands that work on the database only: through a server they cannot run.
fn database_only(command: &Command) -> Option<&'static str> {
    match command {
        Command::Customer(_) => Some("customer"),
        Command::Seed(_) => Some("seed"),
        Command::DemoTraffic { .. } => Some("demo-traffic"),
        Command::Server(_) => Some("server"),
        Command::Bench(_) => Some("bench"),
        _ => None,
    }
}

pub async fn run(cli: &Cli, command: &Command) -> Result<()> {
    if let (Some(_), Some(name)) = (&cli.server, database_only(command)) {
        bail!(
            "`livewindow {name}` works on the database only, not through a server: drop \
             --server (and LIVEWINDOW_SERVER) and give --database-url"
        );
    }
    if let Command::Bench(b) = command {
        // Runs on a scratch database of its own.
        return crate::bench::run(cli.database_url.as_deref(), b).await;
    }
    if let Command::PastePreview {
        file,
        rtf,
        image,
        plain,
    } = command
    {
        // Needs no database.
        return paste_preview::run(file, rtf.as_deref(), image.as_deref(), plain.as_deref());
    }
    if let Command::InstallDesktop = command {
        return desktop::install();
    }
    match (command, cli.server.as_deref()) {
        (Command::Login(args), Some(server)) => return login::login(cli, server, args).await,
        (Command::Login(_), None) => bail!("name the server to sign in to: --server URL"),
        (Command::Logout, server) => return login::logout(cli, server).await,
        (_, Some(server)) => {
            // An admin command, through the server with the kept administrator's session.
            let admin = login::admin(cli, server).await?;
            return administer(&admin, cli, command)
                .await
                .map_err(|e| login::through(server, e));
        }
        (_, None) => {}
    }
    // Check what can be checked before touching the database.
    if let Command::Customer(args) = command {
        crate::core::validate::customer(&args.name, &args.email)?;
    }
    // Connections by job: a waiting customer follows the feed as a console does; one-shot
    // commands need one; seeding and demo traffic keep the general pool.
    let role = match command {
        Command::Customer(_) => store::Role::Console,
        Command::Server(args) => store::Role::Server(args.db_connections),
        Command::Seed(_) | Command::DemoTraffic { .. } => store::Role::General,
        _ => store::Role::Admin,
    };
    let bus = match command {
        Command::Server(args) => args.bus.as_deref(),
        _ => None,
    };
    let store = Store::open_on(&database_url(cli)?, role, bus).await?;
    match command {
        Command::Customer(args) => customer::run(&store, args).await,
        Command::Server(args) => crate::server::run(store, args.listen, args.config()?).await,
        Command::Seed(args) => admin::seed(&store, cli.agent.as_deref(), args).await,
        Command::DemoTraffic { every, count } => {
            if !(every.is_finite() && *every >= 0.1) {
                bail!("--every must be at least 0.1 seconds");
            }
            println!(
                "Simulated customers arrive every {every} s on {}; Ctrl-C stops.",
                store.backend()
            );
            let traffic = crate::channel::simulated::run(
                store.clone(),
                Duration::from_secs_f64(*every),
                *count,
            );
            tokio::select! {
                r = traffic => r?,
                _ = tokio::signal::ctrl_c() => {}
            }
            Ok(())
        }
        // The admin commands, on the database.
        _ => administer(&store, cli, command).await,
    }
}

/// The admin commands, on whichever administration they are given: the store on the
/// server's host, or a server's admins' API.
async fn administer(on: &dyn AdminData, cli: &Cli, command: &Command) -> Result<()> {
    match command {
        Command::Agent(c) => admin::agent(on, c).await,
        Command::User(c) => users::user(on, c).await,
        Command::Session(c) => users::session(on, c).await,
        Command::Queue(c) => admin::queue(on, c).await,
        Command::Option(c) => admin::option(on, cli.agent.as_deref(), c).await,
        Command::Chat(c) => chats::chat(on, c).await,
        Command::Disposition(c) => chats::disposition(on, c).await,
        Command::Audit(c) => audit::audit(on, c).await,
        Command::Report(c) => report::report(on, cli.agent.as_deref(), c).await,
        Command::Reply(c) => replies::reply(on, cli.agent.as_deref(), c).await,
        // Handled before: they are not administration.
        Command::Customer(_)
        | Command::Server(_)
        | Command::Seed(_)
        | Command::DemoTraffic { .. }
        | Command::Bench(_)
        | Command::PastePreview { .. }
        | Command::InstallDesktop
        | Command::Login(_)
        | Command::Logout => Ok(()),
    }
}
