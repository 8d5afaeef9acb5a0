//! The frame tick: countdowns move, notes fade, stale queue figures are read; once a second
//! the desk does its share of the routing work and says it is still there (learning its
//! agent's status, or that another console took over), and what could not be sent while
//! the data was away is sent again; once a minute it measures the clock
//! offset and re-reads the agent's options.

use super::feed::expired_note;
use super::{Console, Message};
use iced::Task;
use livewindow_core::StoreError;
use livewindow_data::Tick;
use std::time::{Duration, Instant};

impl Console {
    /// Every frame tick (4 a second while offers count down, else 1).
    pub(super) fn frame(&mut self) -> Task<Message> {
        if self.me.stopped {
            return Task::none();
        }
        for card in self.work.offers.expire(self.db_now()) {
            self.note(expired_note(&card.offer().customer_name));
        }
        self.ring_offers();
        self.alerts
            .notes
            .retain(|(_, at, how_long)| at.elapsed() < *how_long);
        let mut tasks = vec![self.auto_away()];
        // One tick at a time: while the database does not answer, ticks do not pile up.
        if self.clock.last_tick.elapsed() >= Duration::from_secs(1)
            && self.clock.tick_since.is_none()
        {
            self.clock.last_tick = Instant::now();
            self.clock.tick_since = Some(Instant::now());
            if self.memory.dirty {
                self.save_session();
            }
            let measure = self.clock.last_clock.elapsed() >= Duration::from_secs(60);
            if measure {
                self.clock.last_clock = Instant::now();
            }
            tasks.push(Task::perform(
                self.data.tick(self.me.desk.clone(), measure),
                Message::Ticked,
            ));
        }
        Task::batch(tasks)
    }

    pub(super) fn ticked(&mut self, r: Result<Tick, StoreError>) -> Task<Message> {
        self.clock.tick_since = None;
        let (status, offset_ms, settings) = match r {
            Ok(Tick::Superseded) => return self.superseded(),
            Ok(Tick::Alive {
                status,
                offset_ms,
                settings,
            }) => (status, offset_ms, settings),
            Err(e) => {
                self.error = Some(e);
                return Task::none();
            }
        };
        self.error = None;
        if status != self.me.agent.status {
            // Set elsewhere: an admin command, another window, the absent rule.
            self.me.agent.status = status;
        }
        if let Some(offset) = offset_ms {
            self.clock.offset_ms = offset;
        }
        let mut again_replies = None;
        if let Some(settings) = settings {
            if settings.rich != self.me.settings.rich {
                for c in &mut self.work.chats {
                    c.set_rich(settings.rich);
                }
            }
            self.me.settings = settings;
            // Replies an administrator added since come in with the minute's settings.
            again_replies = Some(self.load_replies());
        }
        // It answers again: what could not be sent while it was away goes now, by itself.
        let mut again = Vec::new();
        for c in &mut self.work.chats {
            let id = c.chat().id;
            again.extend(c.retry_unsent().into_iter().map(|a| (id, a)));
        }
        let resend: Vec<_> = again.into_iter().map(|(id, a)| self.run(id, a)).collect();
        Task::batch(resend.into_iter().chain(again_replies))
    }
}
