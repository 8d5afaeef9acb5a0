use clap::Parser;
use livewindow::cli::{self, Cli};
use livewindow::core::AgentStatus;
use livewindow::store::{Role, Store};
use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    livewindow::ui::mark_start();
    livewindow::client::use_ring();
    let cli = Cli::parse();
    if cli.command.is_none() {
        one_malloc_arena();
    }
    // The server logs its requests (with their request id) unless told otherwise.
    let default_log = match cli.command {
        Some(cli::Command::Server(_)) => "info,sqlx=warn",
        _ => "warn,sqlx=error",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("LIVEWINDOW_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_log)),
        )
        .with_writer(std::io::stderr)
        .init();
    let result = match &cli.command {
        Some(command) => runtime().and_then(|rt| {
            let result = rt.block_on(cli::run(&cli, command));
            // Not waiting for blocking threads: one may be reading a terminal that stays
            // open after the customer typed /quit.
            rt.shutdown_background();
            result
        }),
        None => console(&cli),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("livewindow: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The console's threads (tokio's workers and blocking pool, SQLite's connections, the
/// window's) would each get a glibc malloc arena, and each arena keeps what was freed in it:
/// with one, the console holds less memory for no loss of speed a person could see
/// (BENCHMARKS.md, console memory). Servers keep glibc's default, one arena per core-bound
/// thread, for throughput.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn one_malloc_arena() {
    // SAFETY: mallopt only sets the allocator's parameters; it is called before the console
    // starts any thread.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn one_malloc_arena() {}

/// glibc gives back to the system only the free memory at the top of its heaps: what the
/// console freed after loading transcripts or laying out a long chat stays counted against
/// it until reused. A thread hands it back every two seconds (`malloc_trim`, well under a
/// millisecond on a console's heap; BENCHMARKS.md, console memory).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn give_back_freed_memory() {
    let spawned = std::thread::Builder::new()
        .name("trim".into())
        .stack_size(64 * 1024)
        .spawn(|| {
            loop {
                std::thread::sleep(Duration::from_secs(2));
                // SAFETY: malloc_trim only releases free pages of the allocator's own heaps.
                unsafe {
                    libc::malloc_trim(0);
                }
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("the memory trimming thread did not start: {e}");
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn give_back_freed_memory() {}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// `--demo`: the customers' chat page on loopback beside the console, so one person can be
/// the customer in a browser and the agent in the window at once.
fn demo_server(url: &str) {
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(e) => return eprintln!("livewindow: the demo's chat page cannot start: {e}"),
    };
    let listener = rt.block_on(async {
        match tokio::net::TcpListener::bind("127.0.0.1:8080").await {
            Ok(l) => Ok(l),
            // Taken: any free port.
            Err(_) => tokio::net::TcpListener::bind("127.0.0.1:0").await,
        }
    });
    let listener = match listener {
        Ok(l) => l,
        Err(e) => return eprintln!("livewindow: the demo's chat page cannot listen: {e}"),
    };
    if let Ok(addr) = listener.local_addr() {
        println!("Be the customer: open http://{addr}/ in a browser.");
    }
    let url = url.to_string();
    std::thread::spawn(move || {
        rt.block_on(async move {
            match Store::open(&url).await {
                Ok(store) => {
                    let config = livewindow::server::Config::default();
                    let stop = std::future::pending::<()>();
                    if let Err(e) = livewindow::server::serve(listener, store, config, stop).await {
                        tracing::warn!("demo chat page stopped: {e}");
                    }
                }
                Err(e) => tracing::warn!("demo chat page cannot open the database: {e}"),
            }
        });
    });
}

/// Checks everything that can fail before a window opens, so errors reach the terminal.
fn console(cli: &Cli) -> anyhow::Result<()> {
    if let Some(why) = livewindow::ui::display::missing() {
        anyhow::bail!("the console cannot open its window: {why}");
    }
    give_back_freed_memory();
    if let Some(server) = &cli.server {
        if cli.demo {
            anyhow::bail!("--demo runs on this computer's database: drop --server for it");
        }
        return livewindow::team::console(server, cli.insecure_http, cli.server_ca.clone());
    }
    let url = cli::database_url(cli)?;
    let agent = runtime()?.block_on(async {
        let store = Store::open_with(&url, Role::Admin).await?;
        if cli.demo {
            store.seed_demo().await?;
        }
        let agent = match &cli.agent {
            Some(who) => store.find_agent(who).await?,
            None => store.agents().await?.into_iter().next().ok_or_else(|| {
                anyhow::anyhow!(
                    "there are no agents yet: run `livewindow seed --demo`, or `livewindow agent add`"
                )
            })?,
        };
        if cli.demo {
            store.set_agent_status(agent.id, AgentStatus::Available).await?;
        }
        store.close().await;
        anyhow::Ok(agent)
    })?;
    if cli.demo {
        demo_server(&url);
        let url = url.clone();
        // Simulated customers run beside the window on their own runtime and store handle,
        // exactly like customers in another process.
        std::thread::spawn(move || {
            let Ok(rt) = runtime() else { return };
            rt.block_on(async move {
                match Store::open(&url).await {
                    Ok(store) => {
                        if let Err(e) =
                            livewindow::channel::simulated::run(store, Duration::from_secs(8), None)
                                .await
                        {
                            tracing::warn!("demo traffic stopped: {e}");
                        }
                    }
                    Err(e) => tracing::warn!("demo traffic cannot start: {e}"),
                }
            });
        });
    }
    // On one machine the console's data is the store itself, as this agent's desk.
    let agent_id = agent.id;
    let connect: livewindow::ui::app::Connect = std::sync::Arc::new(move || {
        let url = url.clone();
        Box::pin(async move {
            // One pooled connection plus LISTEN: a team of consoles shares the server's
            // connection limit.
            let store = Store::open_with(&url, Role::Console).await?;
            Ok(std::sync::Arc::new(store.desk(agent_id)) as livewindow::data::Data)
        })
    });
    livewindow::ui::run(livewindow::ui::Config {
        connect,
        session_dir: livewindow::ui::session::default_dir(),
        team: None,
    })?;
    Ok(())
}
