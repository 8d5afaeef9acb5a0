//! The Supervisor tab's actions, done: monitoring a chat, a supervisor's action on a chat
//! or an agent, the desktop notification of a call for help, the clipboard of the joined
//! chat's composer. Each answer goes back to the tab.

use super::{Console, Message, View};
use crate::notify::{self, Target};
use crate::supervisor::{self, Action, Supervisor};
use crate::{clipboard, composer, transcript};
use iced::Task;

impl Console {
    /// A desktop notification was clicked: what it was about comes to the front.
    pub(super) fn notified(&mut self, target: Target) -> Task<Message> {
        tracing::info!("notification clicked: {target:?}; bringing the window forward");
        let show = match target {
            Target::Offer(_) => {
                self.work.view = View::Home;
                Task::none()
            }
            Target::Chat(id) => self.show(id),
            Target::Board => {
                self.work.view = View::Supervisor;
                Task::none()
            }
        };
        Task::batch([show, super::bring_to_front()])
    }

    /// The Supervisor tab, for those who may open it.
    pub fn supervisor(&self) -> Option<&Supervisor> {
        self.work.board.as_ref()
    }

    /// Hands `m` to the Supervisor tab and does what it asks.
    pub(super) fn supervise(&mut self, m: supervisor::Message) -> Task<Message> {
        let Some(board) = self.work.board.as_mut() else {
            return Task::none();
        };
        let action = board.update(m);
        self.supervisor_action(action)
    }

    fn supervisor_action(&mut self, action: Action) -> Task<Message> {
        let data = self.data.clone();
        let back = |m: supervisor::Message| Message::Supervisor(m);
        match action {
            Action::None => Task::none(),
            Action::Run(task) => task.map(back),
            Action::Monitor(chat) => Task::perform(data.monitor(chat, transcript::WINDOW), |r| {
                Message::Supervisor(supervisor::Message::Monitored(Box::new(r)))
            }),
            Action::Supervise(act) => Task::perform(data.supervise(act), |r| {
                Message::Supervisor(supervisor::Message::Done(r))
            }),
            Action::Notify { summary, body } => {
                self.say_note(summary.clone(), std::time::Duration::from_secs(15));
                let (task, withdraw) = notify::show(summary, body, Target::Board);
                self.alerts.board_notice = Some(withdraw);
                task.map(Message::Notified)
            }
            Action::ReadClipboard => Task::perform(clipboard::read(), |r| {
                Message::Supervisor(supervisor::Message::Watch(
                    supervisor::WatchMessage::Composer(composer::Message::Pasted(r)),
                ))
            }),
            Action::WriteClipboard { html, plain } => {
                Task::perform(clipboard::write(html, plain), |r| {
                    Message::Supervisor(supervisor::Message::Watch(
                        supervisor::WatchMessage::Composer(composer::Message::Copied(r)),
                    ))
                })
            }
        }
    }
}
