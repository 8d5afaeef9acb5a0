//! Who may do what: the one decision every action through the server passes. The server
//! loads the facts (the caller's session and role, the chat's agent and pending offer) and
//! asks [`authorize`]; the store's own checks inside each transaction stay as a second line.

use super::Role;
use crate::history::PastAccess;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The signed-in user acting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub agent_id: i64,
    pub role: Role,
    /// Signed in with a one-time password not yet changed: the session may change it and
    /// nothing else.
    pub must_change_password: bool,
}

/// Who a chat is with now: its agent, and the agent it is being offered to (a new chat's
/// offer, or a transfer waiting for its answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ChatParties {
    pub agent_id: Option<i64>,
    pub offered_agent_id: Option<i64>,
}

/// What an action touches, with the facts the decision needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// The caller's own desk: restore, events, ticks, status, transfer targets.
    OwnDesk,
    /// Reading or editing CRM records (contacts, accounts, assets, work orders).
    Crm,
    /// Accepting or declining an offer of this chat.
    AnswerOffer(ChatParties),
    /// Reading a chat's transcript: its agent, or the agent it is being transferred to.
    ReadChat(ChatParties),
    /// Writing in a chat (send, typing, verify, end, wrap up, transfer): its agent only.
    WorkChat(ChatParties),
    /// Users, queues, options, dispositions, sessions.
    Administer,
    /// Changing one's own password (the current one is checked by the store).
    ChangeOwnPassword,
    /// Opening the supervisor's board: supervisors and administrators.
    Board,
    /// A supervisor's action on a chat or an agent. `in_scope`: the chat's queue (or one
    /// of the agent's queues) is one the caller supervises.
    Supervise { in_scope: bool },
    /// Opening an earlier chat's transcript (the customer's history, a search's hit).
    ReadPast(PastAccess),
    /// Adding, changing or removing a standard reply. `own`: the reply is (or stays) the
    /// caller's own; site and queue replies, and other agents', are for administrators.
    ManageReply { own: bool },
}

/// Why an action was refused: one line for the person who tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Denied {
    #[error("this chat was not offered to you")]
    NotYourOffer,
    #[error("this chat is not yours")]
    NotYourChat,
    #[error("only an administrator may do this")]
    AdminsOnly,
    #[error("change your one-time password first")]
    ChangePasswordFirst,
    #[error("only a supervisor may do this")]
    SupervisorsOnly,
    #[error("you do not supervise this queue")]
    NotYourQueue,
}

/// Decides one action. Every role takes chats (a supervisor or an administrator may also
/// work as an agent); only the chat's own agent works in it. A session opened with a
/// one-time password may only change it.
pub fn authorize(caller: &Caller, act: &Act) -> Result<(), Denied> {
    let me = Some(caller.agent_id);
    match act {
        Act::ChangeOwnPassword => Ok(()),
        _ if caller.must_change_password => Err(Denied::ChangePasswordFirst),
        Act::OwnDesk | Act::Crm => Ok(()),
        Act::AnswerOffer(p) if p.offered_agent_id == me => Ok(()),
        Act::AnswerOffer(_) => Err(Denied::NotYourOffer),
        Act::ReadChat(p) if p.agent_id == me || p.offered_agent_id == me => Ok(()),
        Act::WorkChat(p) if p.agent_id == me => Ok(()),
        Act::ReadChat(_) | Act::WorkChat(_) => Err(Denied::NotYourChat),
        Act::Administer if caller.role == Role::Admin => Ok(()),
        Act::Administer => Err(Denied::AdminsOnly),
        Act::ManageReply { own: true } => Ok(()),
        Act::ManageReply { own: false } if caller.role == Role::Admin => Ok(()),
        Act::ManageReply { own: false } => Err(Denied::AdminsOnly),
        Act::Board | Act::Supervise { .. } if caller.role == Role::Admin => Ok(()),
        Act::Board | Act::Supervise { .. } if caller.role == Role::Agent => {
            Err(Denied::SupervisorsOnly)
        }
        Act::Board | Act::Supervise { in_scope: true } => Ok(()),
        Act::Supervise { in_scope: false } => Err(Denied::NotYourQueue),
        Act::ReadPast(access) if access.may_read() => Ok(()),
        Act::ReadPast(_) => Err(Denied::NotYourChat),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: i64 = 7;
    const OTHER: i64 = 9;

    fn parties(agent: Option<i64>, offered: Option<i64>) -> ChatParties {
        ChatParties {
            agent_id: agent,
            offered_agent_id: offered,
        }
    }

    #[test]
    fn the_matrix() {
        let mine = parties(Some(ME), None);
        let theirs = parties(Some(OTHER), None);
        let offered_to_me = parties(None, Some(ME));
        let transferring_to_me = parties(Some(OTHER), Some(ME));
        let queued = parties(None, None);
        for role in Role::ALL {
            let c = Caller {
                agent_id: ME,
                role,
                must_change_password: false,
            };
            assert_eq!(authorize(&c, &Act::ChangeOwnPassword), Ok(()));
            assert_eq!(authorize(&c, &Act::OwnDesk), Ok(()));
            assert_eq!(authorize(&c, &Act::Crm), Ok(()));
            assert_eq!(authorize(&c, &Act::AnswerOffer(offered_to_me)), Ok(()));
            assert_eq!(authorize(&c, &Act::AnswerOffer(transferring_to_me)), Ok(()));
            for p in [mine, theirs, queued] {
                assert_eq!(
                    authorize(&c, &Act::AnswerOffer(p)),
                    Err(Denied::NotYourOffer),
                    "{role} {p:?}"
                );
            }
            assert_eq!(authorize(&c, &Act::ReadChat(mine)), Ok(()));
            assert_eq!(authorize(&c, &Act::ReadChat(transferring_to_me)), Ok(()));
            assert_eq!(authorize(&c, &Act::WorkChat(mine)), Ok(()));
            for p in [theirs, queued, offered_to_me, transferring_to_me] {
                assert_eq!(
                    authorize(&c, &Act::WorkChat(p)),
                    Err(Denied::NotYourChat),
                    "{role} {p:?}"
                );
            }
            for p in [theirs, queued] {
                assert_eq!(authorize(&c, &Act::ReadChat(p)), Err(Denied::NotYourChat));
            }
            let admin = authorize(&c, &Act::Administer);
            assert_eq!(admin.is_ok(), role == Role::Admin, "{role}");
        }
    }

    #[test]
    fn supervising_is_for_supervisors_in_their_queues_and_admins() {
        for role in Role::ALL {
            let c = Caller {
                agent_id: ME,
                role,
                must_change_password: false,
            };
            let (board, inside, outside) = (
                authorize(&c, &Act::Board),
                authorize(&c, &Act::Supervise { in_scope: true }),
                authorize(&c, &Act::Supervise { in_scope: false }),
            );
            match role {
                Role::Agent => {
                    for got in [board, inside, outside] {
                        assert_eq!(got, Err(Denied::SupervisorsOnly));
                    }
                }
                Role::Supervisor => {
                    assert_eq!((board, inside), (Ok(()), Ok(())));
                    assert_eq!(outside, Err(Denied::NotYourQueue));
                }
                Role::Admin => assert_eq!((board, inside, outside), (Ok(()), Ok(()), Ok(()))),
            }
        }
    }

    #[test]
    fn agents_manage_their_own_replies_and_admins_all() {
        for role in Role::ALL {
            let c = Caller {
                agent_id: ME,
                role,
                must_change_password: false,
            };
            assert_eq!(authorize(&c, &Act::ManageReply { own: true }), Ok(()));
            let others = authorize(&c, &Act::ManageReply { own: false });
            match role {
                Role::Admin => assert_eq!(others, Ok(())),
                _ => assert_eq!(others, Err(Denied::AdminsOnly), "{role}"),
            }
        }
    }

    #[test]
    fn a_one_time_password_opens_only_its_change() {
        let mine = parties(Some(ME), None);
        let offered_to_me = parties(None, Some(ME));
        for role in Role::ALL {
            let c = Caller {
                agent_id: ME,
                role,
                must_change_password: true,
            };
            assert_eq!(authorize(&c, &Act::ChangeOwnPassword), Ok(()));
            for act in [
                Act::OwnDesk,
                Act::Crm,
                Act::AnswerOffer(offered_to_me),
                Act::ReadChat(mine),
                Act::WorkChat(mine),
                Act::Administer,
                Act::Board,
                Act::Supervise { in_scope: true },
                Act::ManageReply { own: true },
            ] {
                assert_eq!(
                    authorize(&c, &act),
                    Err(Denied::ChangePasswordFirst),
                    "{role} {act:?}"
                );
            }
        }
        assert_eq!(
            Denied::ChangePasswordFirst.to_string(),
            "change your one-time password first"
        );
    }

    #[test]
    fn refusals_read_as_one_line() {
        assert_eq!(Denied::NotYourChat.to_string(), "this chat is not yours");
        let json = serde_json::to_string(&Denied::NotYourOffer).expect("serializes");
        assert_eq!(json, r#""not_your_offer""#);
    }
}
