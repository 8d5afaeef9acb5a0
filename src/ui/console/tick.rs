//! The frame tick: countdowns move, notes fade, a stale waiting count is read; once a
//! second the desktop does its share of the routing work and says it is still there; once
//! a minute it measures the clock offset and re-reads the agent's options.

use super::feed::expired_note;
use super::{Console, Message};
use crate::core::StoreError;
use crate::data::Tick;
use iced::Task;
use std::time::{Duration, Instant};

impl Console {
    /// Every frame tick (4 a second while offers count down, else 1).
    pub(super) fn frame(&mut self) -> Task<Message> {
        for card in self.offers.expire(self.db_now()) {
            self.note(expired_note(&card.offer.customer_name));
        }
        self.notes
            .retain(|(_, at)| at.elapsed() < Duration::from_secs(8));
        let mut tasks = Vec::new();
        if std::mem::take(&mut self.waiting_stale) {
            tasks.push(Task::perform(self.data.waiting(), Message::Waiting));
        }
        if self.last_tick.elapsed() >= Duration::from_secs(1) {
            self.last_tick = Instant::now();
            if self.dirty {
                self.save_session();
            }
            let measure = self.last_clock.elapsed() >= Duration::from_secs(60);
            if measure {
                self.last_clock = Instant::now();
            }
            tasks.push(Task::perform(
                self.data.tick(self.agent.id, measure),
                Message::Ticked,
            ));
        }
        Task::batch(tasks)
    }

    pub(super) fn ticked(&mut self, r: Result<Tick, StoreError>) -> Task<Message> {
        let tick = match r {
            Ok(tick) => tick,
            Err(e) => {
                self.error = Some(e);
                return Task::none();
            }
        };
        self.error = None;
        if let Some(offset) = tick.offset_ms {
            self.offset_ms = offset;
        }
        if let Some(rich) = tick.rich
            && rich != self.rich
        {
            self.rich = rich;
            for c in &mut self.chats {
                c.set_rich(rich);
            }
        }
        Task::none()
    }
}
