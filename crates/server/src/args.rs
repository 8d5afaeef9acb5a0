//! `livewindow server`'s flags.

use super::Config;
use clap::Args;
use std::net::SocketAddr;

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
        let site_secret = self.site_secret.clone().filter(|s| !s.trim().is_empty());
        if site_secret.as_ref().is_some_and(|s| s.len() < 16) {
            anyhow::bail!("the site secret is shorter than 16 characters; use a long random one");
        }
        Ok(Config {
            public_url: self.public_url.clone(),
            embed_origins,
            site_secret,
            identity_max_age_s: self.identity_max_age,
            trust_forwarded: self.trust_forwarded,
            chats_per_hour: self.chats_per_hour,
            messages_per_minute: self.messages_per_minute,
        })
    }
}
