//! The agent's presence from this console: status changes, auto-Away when nobody is at the
//! desk, stopping when another console takes over, and going Offline on the way out (or
//! when signing out).

use super::{Console, Message};
use iced::Task;
use livewindow_core::AgentStatus;
use std::time::Duration;

impl Console {
    pub(super) fn set_status(&mut self, status: AgentStatus) -> Task<Message> {
        let set = self.data.set_status(self.me.desk.clone(), status);
        Task::perform(set, move |r| Message::StatusSet(status, r))
    }

    /// Another console of this agent took over: this one stops and says so.
    pub(super) fn superseded(&mut self) -> Task<Message> {
        if !self.me.stopped {
            tracing::info!("another console took over for agent {}", self.me.agent.id);
            self.save_session();
        }
        self.me.stopped = true;
        Task::none()
    }

    /// Available, and nobody has pressed a key or clicked for the auto-Away time: Away.
    pub(super) fn auto_away(&mut self) -> Task<Message> {
        let secs = self.me.settings.auto_away_secs;
        if secs <= 0
            || self.me.agent.status != AgentStatus::Available
            || self.clock.last_activity.elapsed() < Duration::from_secs(secs.unsigned_abs())
        {
            return Task::none();
        }
        // Once per idle spell: the next key or click starts a new one.
        self.clock.last_activity = std::time::Instant::now();
        self.note_for(
            format!(
                "You were set Away after {} without a key press or click; set Available when you are back.",
                livewindow_core::time::duration(secs * 1000)
            ),
            Duration::from_secs(600),
        );
        self.set_status(AgentStatus::Away)
    }

    /// The console is closing (window close, SIGTERM, SIGINT, logout): remember the
    /// session and go Offline, unless another console speaks for the agent now.
    pub fn quit(&mut self) -> Task<Message> {
        self.save_session();
        if self.me.stopped {
            return iced::exit();
        }
        let offline = self
            .data
            .set_status(self.me.desk.clone(), AgentStatus::Offline);
        Task::perform(offline, |r| {
            if let Err(e) = r {
                tracing::warn!("could not set Offline on the way out: {e}");
            }
        })
        .discard()
        .chain(iced::exit())
    }

    /// A team's desktop: *Sign out* is in the toolbar.
    pub fn offer_sign_out(&mut self) {
        self.me.sign_out = true;
    }

    /// *Sign out*: remember the session file, go Offline (so nobody is offered chats on a
    /// desk nobody is at), then end the session on the server.
    pub(super) fn sign_out(&mut self) -> Task<Message> {
        self.save_session();
        let data = self.data.clone();
        let offline = self
            .data
            .set_status(self.me.desk.clone(), AgentStatus::Offline);
        Task::perform(
            async move {
                if let Err(e) = offline.await {
                    tracing::warn!("could not set Offline before signing out: {e}");
                }
                data.sign_out().await
            },
            Message::SignedOut,
        )
    }
}
