//! `livewindow server`'s flags.

use super::Config;
use clap::Args;
use livewindow_core::limits;
use std::net::SocketAddr;
use std::time::Duration;

#[derive(Debug, Clone, Args)]
pub struct ServerArgs {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The address customers use, e.g. https://chat.example.com/ behind a proxy (https makes
    /// the chat cookie Secure and adds HSTS).
    #[arg(long, env = "LIVEWINDOW_PUBLIC_URL")]
    pub public_url: Option<url::Url>,
    /// An origin allowed to put the chat page in a frame, e.g. https://www.example.com
    /// (repeat for several). Without it the page cannot be framed.
    #[arg(long = "embed-origin")]
    pub embed_origins: Vec<String>,
    /// Secret shared with your website: it signs its signed-in users' email, name and the
    /// time (HMAC-SHA256, see the README), and their chats show "verified by website".
    #[arg(long, env = "LIVEWINDOW_SITE_SECRET", hide_env_values = true)]
    pub site_secret: Option<String>,
    /// Seconds a website's identity signature holds after it was made.
    #[arg(long, default_value_t = livewindow_core::limits::IDENTITY_MAX_AGE_SECONDS)]
    pub identity_max_age: i64,
    /// Serve https with this PEM certificate chain (with --tls-key); without it, serve plain
    /// http behind a proxy that terminates TLS.
    #[arg(long, requires = "tls_key")]
    pub tls_cert: Option<std::path::PathBuf>,
    /// The PEM private key of --tls-cert.
    #[arg(long, requires = "tls_cert")]
    pub tls_key: Option<std::path::PathBuf>,
    /// Take the customer's address from X-Forwarded-For (only behind a proxy that sets it).
    #[arg(long)]
    pub trust_forwarded: bool,
    /// New chats one address may start per hour.
    #[arg(long, default_value_t = 20)]
    pub chats_per_hour: i64,
    /// Messages one chat's customer may send per minute.
    #[arg(long, default_value_t = 30)]
    pub messages_per_minute: i64,
    /// PostgreSQL connections in this process's pool (besides its one LISTEN connection).
    #[arg(long, default_value_t = 16)]
    pub db_connections: u32,
    /// A NATS server the team's server processes share, e.g. nats://10.0.0.5:4222: wake-ups
    /// and typing travel through it instead of PostgreSQL's notifications (for large
    /// centres; the database stays the record). PostgreSQL only.
    #[arg(long, env = "LIVEWINDOW_BUS", value_name = "nats://HOST:PORT")]
    pub bus: Option<String>,
    /// Live sockets open at once on one chat (a customer's tabs).
    #[arg(long, default_value_t = limits::SOCKETS_PER_CHAT)]
    pub sockets_per_chat: usize,
    /// Live sockets open at once from one address (with --trust-forwarded, the forwarded one).
    #[arg(long, default_value_t = limits::SOCKETS_PER_ADDRESS)]
    pub sockets_per_address: usize,
    /// Connections open at once from one address; not applied with --trust-forwarded
    /// (there the proxy should limit them).
    #[arg(long, default_value_t = limits::CONNECTIONS_PER_ADDRESS)]
    pub connections_per_address: usize,
    /// Connections open at once in all; more are refused (503) until some close. Keep it
    /// under the process's file limit (ulimit -n).
    #[arg(long, default_value_t = limits::CONNECTIONS)]
    pub max_connections: usize,
    /// Seconds a client has to send a request's headers (and a kept-alive connection may
    /// stay idle between requests).
    #[arg(long, default_value_t = limits::HEADER_TIMEOUT_SECS)]
    pub header_timeout: u64,
    /// Seconds a client has to send a request's body (an image upload, at most 10 MB).
    #[arg(long, default_value_t = limits::BODY_TIMEOUT_SECS)]
    pub body_timeout: u64,
    /// Seconds a connection may send nothing, or take nothing we write, before it is
    /// closed; live sockets are pinged every 25 s, so keep it above 30.
    #[arg(long, default_value_t = limits::IDLE_TIMEOUT_SECS)]
    pub idle_timeout: u64,
    /// Seconds after SIGTERM that requests under way may take to finish; then the process
    /// exits whatever clients still hang.
    #[arg(long, default_value_t = limits::SHUTDOWN_TIMEOUT_SECS)]
    pub shutdown_timeout: u64,
}

impl ServerArgs {
    pub fn config(&self) -> anyhow::Result<Config> {
        let embed_origins = self
            .embed_origins
            .iter()
            .map(|o| super::parse_origin(o).map_err(anyhow::Error::msg))
            .collect::<anyhow::Result<Vec<_>>>()?;
        if self.chats_per_hour < 1 || self.messages_per_minute < 1 {
            anyhow::bail!("--chats-per-hour and --messages-per-minute must be at least 1");
        }
        if !(1..=86_400).contains(&self.identity_max_age) {
            anyhow::bail!("--identity-max-age must be from 1 to 86400 seconds");
        }
        let counts = [
            self.sockets_per_chat,
            self.sockets_per_address,
            self.connections_per_address,
            self.max_connections,
        ];
        if counts.contains(&0) {
            anyhow::bail!(
                "--sockets-per-chat, --sockets-per-address, --connections-per-address and \
                 --max-connections must be at least 1"
            );
        }
        let seconds = [
            self.header_timeout,
            self.body_timeout,
            self.idle_timeout,
            self.shutdown_timeout,
        ];
        if seconds.iter().any(|s| !(1..=3600).contains(s)) {
            anyhow::bail!(
                "--header-timeout, --body-timeout, --idle-timeout and --shutdown-timeout are \
                 seconds from 1 to 3600"
            );
        }
        let site_secret = self.site_secret.clone().filter(|s| !s.trim().is_empty());
        if site_secret.as_ref().is_some_and(|s| s.len() < 16) {
            anyhow::bail!("the site secret is shorter than 16 characters; use a long random one");
        }
        let tls = match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => Some(super::tls::load(cert, key)?),
            _ => None,
        };
        Ok(Config {
            tls,
            public_url: self.public_url.clone(),
            embed_origins,
            site_secret,
            identity_max_age_s: self.identity_max_age,
            trust_forwarded: self.trust_forwarded,
            chats_per_hour: self.chats_per_hour,
            messages_per_minute: self.messages_per_minute,
            sockets_per_chat: self.sockets_per_chat,
            sockets_per_address: self.sockets_per_address,
            connections_per_address: self.connections_per_address,
            max_connections: self.max_connections,
            header_timeout: Duration::from_secs(self.header_timeout),
            body_timeout: Duration::from_secs(self.body_timeout),
            idle_timeout: Duration::from_secs(self.idle_timeout),
            shutdown_timeout: Duration::from_secs(self.shutdown_timeout),
            run_rules: true,
        })
    }
}
