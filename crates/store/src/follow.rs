//! Which of the database's events are one agent's, and what each needs read before their
//! console can show it: a pure decision, shared by the desk feed (desk_feed.rs) and the
//! process's shared reader (desks.rs).

use livewindow_core::supervise::Scope;
use livewindow_core::{Event, EventKind};
use livewindow_data::{DeskEvent, OfferEnd};
use std::collections::HashSet;

/// What the feed knows of the agent's desk, to tell their events from others'.
#[derive(Debug)]
pub(crate) struct Follow {
    pub(crate) agent: i64,
    /// Chats offered to the agent and not answered yet.
    pub(crate) offered: HashSet<i64>,
    /// The agent's chats: active or in wrap-up.
    pub(crate) mine: HashSet<i64>,
    /// Chats the agent watches as a supervisor (monitored, whispered to, joined).
    pub(crate) watched: HashSet<i64>,
    /// The queues whose board the desk gets; `None` for an agent who supervises nothing.
    pub(crate) board: Option<Scope>,
}

/// The next read an event needs before it can be shown, or what it shows at once.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Step {
    Skip,
    Show(Box<DeskEvent>),
    ReadOffer(i64),
    ReadChat(i64),
    ReadMessage(i64),
    ReadAgent,
    ReadTransferAnswer(i64),
    /// A supervisor (`by`) answered the agent's request for help in `chat`.
    ReadHelpAnswer {
        chat: i64,
        by: i64,
    },
    /// The customer rated the agent's chat (shown while its wrap-up is open).
    ReadRating(i64),
}

impl Follow {
    /// Whether the desk follows `chat`: offered to the agent, theirs, or watched by them.
    pub(crate) fn follows(&self, chat: i64) -> bool {
        self.offered.contains(&chat) || self.mine.contains(&chat) || self.watched.contains(&chat)
    }

    /// Every chat the desk follows.
    pub(crate) fn chats(&self) -> impl Iterator<Item = &i64> {
        self.offered.iter().chain(&self.mine).chain(&self.watched)
    }

    /// Decides what an event means for the agent, and follows their offers and chats.
    pub(crate) fn step(&mut self, e: &Event) -> Step {
        let me = Some(self.agent);
        if e.kind == EventKind::AgentStatus {
            return if e.agent_id == me && e.chat_id.is_none() {
                Step::ReadAgent
            } else {
                Step::Skip
            };
        }
        let Some(chat) = e.chat_id else {
            return Step::Skip;
        };
        let offered = self.offered.contains(&chat);
        let mine = self.mine.contains(&chat);
        // Watched as a supervisor, not the agent's own.
        let watched = !mine && self.watched.contains(&chat);
        let by_me = e.agent_id == me;
        let offer_ended = |f: &mut Self, why| {
            f.offered.remove(&chat);
            Step::Show(Box::new(DeskEvent::OfferEnded { chat_id: chat, why }))
        };
        match e.kind {
            EventKind::ChatOffered if by_me => {
                self.offered.insert(chat);
                Step::ReadOffer(chat)
            }
            // Someone the agent offered their chat to answered it.
            EventKind::ChatAccepted | EventKind::OfferDeclined | EventKind::OfferExpired
                if mine && !by_me =>
            {
                Step::ReadTransferAnswer(chat)
            }
            EventKind::ChatAccepted if by_me => {
                self.offered.remove(&chat);
                self.mine.insert(chat);
                Step::ReadChat(chat)
            }
            EventKind::OfferExpired if offered && by_me => offer_ended(self, OfferEnd::Expired),
            EventKind::OfferDeclined if offered && by_me => offer_ended(self, OfferEnd::Declined),
            EventKind::ChatEnded if offered => offer_ended(self, OfferEnd::CustomerLeft),
            EventKind::ChatEnded if mine => Step::ReadChat(chat),
            EventKind::ChatTransferred if offered => offer_ended(self, OfferEnd::Moved),
            EventKind::ChatTransferred if mine && by_me => {
                self.mine.remove(&chat);
                Step::Show(Box::new(DeskEvent::ChatTaken { chat_id: chat }))
            }
            EventKind::ChatClosed if mine && by_me => {
                self.mine.remove(&chat);
                Step::Show(Box::new(DeskEvent::ChatClosed { chat_id: chat }))
            }
            EventKind::Message if mine || watched => match e.message_id {
                Some(id) => Step::ReadMessage(id),
                None => Step::Skip,
            },
            EventKind::Typing if (mine || watched) && e.agent_id.is_none() => {
                Step::Show(Box::new(DeskEvent::CustomerTyping { chat_id: chat }))
            }
            EventKind::Watch if by_me => {
                self.watched.insert(chat);
                Step::Skip
            }
            EventKind::Unwatch if by_me => {
                self.watched.remove(&chat);
                Step::Skip
            }
            EventKind::ChatEnded if watched => Step::ReadChat(chat),
            EventKind::HelpAnswered if mine => match e.agent_id {
                Some(by) => Step::ReadHelpAnswer { chat, by },
                None => Step::Skip,
            },
            EventKind::ChatRated if mine => Step::ReadRating(chat),
            _ => Step::Skip,
        }
    }

    /// A transfer of the agent's chat accepted by the other agent: the chat is theirs now.
    pub(crate) fn answered(&mut self, chat: i64, accepted: bool) {
        if accepted {
            self.mine.remove(&chat);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: EventKind, chat: Option<i64>, agent: Option<i64>) -> Event {
        Event {
            id: 1,
            kind,
            chat_id: chat,
            agent_id: agent,
            queue_id: Some(1),
            message_id: Some(9),
            created_ms: 0,
        }
    }

    fn follow() -> Follow {
        Follow {
            agent: 7,
            offered: HashSet::from([10]),
            mine: HashSet::from([20]),
            watched: HashSet::new(),
            board: None,
        }
    }

    fn ended(chat: i64, why: OfferEnd) -> Step {
        Step::Show(Box::new(DeskEvent::OfferEnded { chat_id: chat, why }))
    }

    #[test]
    fn offers_are_the_agents_own() {
        let mut f = follow();
        let e = event(EventKind::ChatOffered, Some(11), Some(8));
        assert_eq!(f.step(&e), Step::Skip, "another agent's offer");
        let e = event(EventKind::ChatOffered, Some(11), Some(7));
        assert_eq!(f.step(&e), Step::ReadOffer(11));
        assert!(f.offered.contains(&11));
        let e = event(EventKind::OfferExpired, Some(11), Some(7));
        assert_eq!(f.step(&e), ended(11, OfferEnd::Expired));
        assert!(!f.offered.contains(&11));
        assert_eq!(f.step(&e), Step::Skip, "told once");
    }

    #[test]
    fn an_offer_ends_when_the_customer_leaves_or_the_chat_moves() {
        let mut f = follow();
        let e = event(EventKind::ChatEnded, Some(10), None);
        assert_eq!(f.step(&e), ended(10, OfferEnd::CustomerLeft));
        let mut f = follow();
        let e = event(EventKind::ChatTransferred, Some(10), Some(3));
        assert_eq!(f.step(&e), ended(10, OfferEnd::Moved));
        let mut f = follow();
        let e = event(EventKind::OfferDeclined, Some(10), Some(7));
        assert_eq!(f.step(&e), ended(10, OfferEnd::Declined));
    }

    #[test]
    fn accepting_makes_the_chat_the_agents() {
        let mut f = follow();
        let e = event(EventKind::ChatAccepted, Some(10), Some(7));
        assert_eq!(f.step(&e), Step::ReadChat(10));
        assert!(f.mine.contains(&10) && !f.offered.contains(&10));
        let e = event(EventKind::Message, Some(10), None);
        assert_eq!(f.step(&e), Step::ReadMessage(9));
    }

    #[test]
    fn only_the_agents_chats_bring_messages_and_typing() {
        let mut f = follow();
        assert_eq!(
            f.step(&event(EventKind::Message, Some(30), None)),
            Step::Skip
        );
        assert_eq!(
            f.step(&event(EventKind::Typing, Some(20), None)),
            Step::Show(Box::new(DeskEvent::CustomerTyping { chat_id: 20 }))
        );
        assert_eq!(
            f.step(&event(EventKind::Typing, Some(20), Some(7))),
            Step::Skip,
            "the agent's own typing"
        );
    }

    #[test]
    fn a_transfer_of_the_agents_chat_is_answered_by_another() {
        let mut f = follow();
        let e = event(EventKind::ChatAccepted, Some(20), Some(8));
        assert_eq!(f.step(&e), Step::ReadTransferAnswer(20));
        f.answered(20, true);
        assert!(!f.mine.contains(&20));
    }

    #[test]
    fn a_chat_taken_or_closed_leaves_the_desk() {
        let mut f = follow();
        let e = event(EventKind::ChatTransferred, Some(20), Some(7));
        assert_eq!(
            f.step(&e),
            Step::Show(Box::new(DeskEvent::ChatTaken { chat_id: 20 }))
        );
        assert_eq!(f.step(&e), Step::Skip);
        let mut f = follow();
        let e = event(EventKind::ChatClosed, Some(20), Some(7));
        assert_eq!(
            f.step(&e),
            Step::Show(Box::new(DeskEvent::ChatClosed { chat_id: 20 }))
        );
    }

    #[test]
    fn a_supervisor_follows_what_they_watch_until_they_stop() {
        let mut f = follow();
        let msg = event(EventKind::Message, Some(30), None);
        assert_eq!(f.step(&msg), Step::Skip, "not watched yet");
        let other = event(EventKind::Watch, Some(30), Some(8));
        assert_eq!(f.step(&other), Step::Skip);
        assert!(!f.follows(30), "another supervisor's watch");
        assert_eq!(
            f.step(&event(EventKind::Watch, Some(30), Some(7))),
            Step::Skip
        );
        assert!(f.follows(30));
        assert_eq!(f.step(&msg), Step::ReadMessage(9));
        assert_eq!(
            f.step(&event(EventKind::Typing, Some(30), None)),
            Step::Show(Box::new(DeskEvent::CustomerTyping { chat_id: 30 }))
        );
        assert_eq!(
            f.step(&event(EventKind::ChatEnded, Some(30), None)),
            Step::ReadChat(30)
        );
        assert_eq!(
            f.step(&event(EventKind::Unwatch, Some(30), Some(7))),
            Step::Skip
        );
        assert!(!f.follows(30));
        assert_eq!(f.step(&msg), Step::Skip);
    }

    #[test]
    fn the_agent_hears_who_answered_their_call_for_help() {
        let mut f = follow();
        let answered = event(EventKind::HelpAnswered, Some(20), Some(5));
        assert_eq!(f.step(&answered), Step::ReadHelpAnswer { chat: 20, by: 5 });
        let elsewhere = event(EventKind::HelpAnswered, Some(31), Some(5));
        assert_eq!(f.step(&elsewhere), Step::Skip);
    }

    #[test]
    fn status_is_the_agents_own() {
        let mut f = follow();
        let mine = event(EventKind::AgentStatus, None, Some(7));
        assert_eq!(f.step(&mine), Step::ReadAgent);
        let other = event(EventKind::AgentStatus, None, Some(8));
        assert_eq!(f.step(&other), Step::Skip);
    }
}
