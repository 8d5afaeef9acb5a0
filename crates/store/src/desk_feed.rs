//! One agent's view of the event feed: which of the database's events are theirs, and what
//! each carries to their console. It runs where the store is (in solo mode, inside the
//! desktop; in a team, on the server for each desktop's socket), so an offer reaches the
//! screen with no further read by the console. The events come through the process's one
//! shared reader (desks.rs), which hands each desk only the events that concern it.

use super::desks::{GoLive, Live};
use super::follow::{Follow, Step};
use super::{Result, Store};
use futures::StreamExt;
use livewindow_core::supervise::Board;
use livewindow_core::{Event, EventKind, OfferOutcome};
use livewindow_data::{DeskEvent, FeedItem};
use std::time::Duration;
use tokio::sync::mpsc;

/// Turns the database's events into one agent's desk events, one at a time: what the feed
/// runs, and what a test runs to deliver events exactly when it chooses.
pub struct DeskReader {
    follow: Follow,
    /// An event changed the queues' figures since they were last read.
    queues_owed: bool,
    /// A supervisor's board as last given, and whether an event came since.
    board: Option<Board>,
    board_owed: bool,
}

impl DeskReader {
    /// What event `e` shows at the agent's desk, if anything.
    pub async fn read(&mut self, store: &Store, e: &Event) -> Result<Option<DeskEvent>> {
        if e.kind.changes_queues() || e.kind == EventKind::AgentStatus {
            self.queues_owed = true;
        }
        self.board_owed |= e.kind != EventKind::Typing;
        let step = self.follow.step(e);
        let event = store.read_step(self.follow.agent, step).await?;
        if let Some((chat, accepted)) = event.as_ref().and_then(transfer_answer) {
            self.follow.answered(chat, accepted);
        }
        Ok(event)
    }

    /// The queues' figures, when events changed them since they were last read.
    pub async fn queues(&mut self, store: &Store) -> Result<Option<DeskEvent>> {
        if !std::mem::take(&mut self.queues_owed) {
            return Ok(None);
        }
        Ok(Some(DeskEvent::Queues(
            store.queue_stats(Some(self.follow.agent)).await?,
        )))
    }

    /// What changed on a supervisor's board since it was last given (all of it the first
    /// time), when events came since; as the shared reader gives it (desks.rs).
    pub async fn board(&mut self, store: &Store) -> Result<Option<DeskEvent>> {
        let Some(scope) = &self.follow.board else {
            return Ok(None);
        };
        if self.board.is_some() && !std::mem::take(&mut self.board_owed) {
            return Ok(None);
        }
        let mine = store.board().await?.scoped(scope);
        let delta = self.board.as_ref().unwrap_or(&Board::default()).diff(&mine);
        let first = self.board.is_none();
        self.board = Some(mine);
        Ok((first || !delta.is_empty()).then_some(DeskEvent::Board(delta)))
    }
}

impl Store {
    /// The agent's events after feed id `after`: each of theirs once, in order, with what
    /// the console shows; errors are items, and the feed catches up after them.
    /// `solo`: the one user of a desktop on its own, who sees the whole board.
    pub fn desk_feed(&self, agent_id: i64, after: i64, solo: bool) -> DeskFeed {
        let (tx, rx) = mpsc::channel(256);
        let task = tokio::spawn(run(self.clone(), agent_id, after, solo, tx));
        DeskFeed::new(rx, vec![task])
    }

    /// A reader of the agent's desk events, starting from their offers and chats as they
    /// are now.
    pub async fn desk_reader(&self, agent_id: i64, solo: bool) -> Result<DeskReader> {
        let offered = self.pending_offers(agent_id).await?;
        let mine = self.active_chats(agent_id).await?;
        let watched: Vec<i64> =
            sqlx::query_scalar("SELECT chat_id FROM chat_watchers WHERE agent_id = $1")
                .bind(agent_id)
                .fetch_all(self.pool())
                .await?;
        Ok(DeskReader {
            follow: Follow {
                agent: agent_id,
                offered: offered.iter().map(|o| o.chat_id).collect(),
                mine: mine.iter().map(|c| c.id).collect(),
                watched: watched.into_iter().collect(),
                board: self.board_scope(agent_id, solo).await?,
            },
            queues_owed: false,
            board: None,
            board_owed: false,
        })
    }

    /// What a step shows at `agent`'s desk, after the read it needs.
    async fn read_step(&self, agent: i64, step: Step) -> Result<Option<DeskEvent>> {
        Ok(match step {
            Step::Skip => None,
            Step::Show(event) => Some(*event),
            Step::ReadOffer(chat) => self.offer(chat).await?.map(DeskEvent::Offered),
            Step::ReadChat(chat) => Some(DeskEvent::ChatChanged(self.chat(chat).await?)),
            Step::ReadMessage(id) => Some(DeskEvent::Message(self.message(id).await?)),
            Step::ReadAgent => Some(DeskEvent::Status(self.agent(agent).await?)),
            Step::ReadHelpAnswer { chat, by } => Some(DeskEvent::HelpAnswered {
                chat_id: chat,
                by: self.agent(by).await?.name,
            }),
            Step::ReadRating(chat) => {
                self.chat_rating(chat)
                    .await?
                    .map(|rating| DeskEvent::ChatRated {
                        chat_id: chat,
                        rating,
                    })
            }
            Step::ReadTransferAnswer(chat) => {
                self.transfer_answer(chat)
                    .await?
                    .map(|answer| DeskEvent::TransferAnswered {
                        chat_id: chat,
                        answer,
                    })
            }
        })
    }
}

/// A transfer answered: the chat, and whether the other agent took it.
fn transfer_answer(event: &DeskEvent) -> Option<(i64, bool)> {
    match event {
        DeskEvent::TransferAnswered { chat_id, answer } => {
            Some((*chat_id, answer.outcome == Some(OfferOutcome::Accepted)))
        }
        _ => None,
    }
}

/// The agent's feed; dropping it stops the task that follows the database.
pub type DeskFeed = super::Subscription<FeedItem>;

/// Sends `item` on; false when the feed was dropped.
async fn pass(tx: &mpsc::Sender<Result<FeedItem>>, item: Result<Option<FeedItem>>) -> bool {
    match item {
        Ok(None) => true,
        Ok(Some(item)) => tx.send(Ok(item)).await.is_ok(),
        Err(e) => tx.send(Err(e)).await.is_ok(),
    }
}

/// What event `e` shows at the desk of `follow`, read while the desk is not live yet.
async fn catch_up(store: &Store, follow: &mut Follow, e: &Event) -> Result<Option<FeedItem>> {
    let step = follow.step(e);
    let event = store.read_step(follow.agent, step).await?;
    if let Some((chat, accepted)) = event.as_ref().and_then(transfer_answer) {
        follow.answered(chat, accepted);
    }
    Ok(event.map(|event| FeedItem { id: e.id, event }))
}

async fn run(
    store: Store,
    agent: i64,
    mut last: i64,
    solo: bool,
    tx: mpsc::Sender<Result<FeedItem>>,
) {
    // Each turn joins the shared reader; a desk dropped for falling behind joins again.
    'join: loop {
        let (desks, mut follow) = match store.desks().await {
            Ok(desks) => match store.desk_reader(agent, solo).await {
                Ok(reader) => (desks, reader.follow),
                Err(e) => {
                    if tx.send(Err(e)).await.is_err() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            },
            Err(e) => {
                if tx.send(Err(e)).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        let joined = desks.join();
        // From the table up to where the shared reader was when the desk joined.
        if last < joined.head {
            let mut events = store.subscribe(last);
            while last < joined.head {
                let item = match events.next().await {
                    Some(Ok(e)) => {
                        last = e.id;
                        catch_up(&store, &mut follow, &e).await
                    }
                    Some(Err(e)) => Err(e),
                    None => return,
                };
                if !pass(&tx, item).await {
                    return;
                }
            }
        }
        // Then what was dispatched meanwhile, until nothing waits: the desk is live.
        loop {
            match joined.go_live(follow) {
                GoLive::Live => break,
                GoLive::Dropped => continue 'join,
                GoLive::Pending(f, events) => {
                    follow = *f;
                    for e in &events {
                        if e.id <= last {
                            continue;
                        }
                        last = e.id;
                        let item = catch_up(&store, &mut follow, e).await;
                        if !pass(&tx, item).await {
                            return;
                        }
                    }
                }
            }
        }
        let mut joined = joined;
        while let Some(live) = joined.rx.recv().await {
            let item = match live {
                Live::Step(id, step) => {
                    last = last.max(id);
                    match store.read_step(agent, step).await {
                        Ok(Some(event)) => {
                            if let Some((chat, accepted)) = transfer_answer(&event) {
                                joined.answered(chat, accepted);
                            }
                            Ok(Some(FeedItem { id, event }))
                        }
                        Ok(None) => Ok(None),
                        Err(e) => Err(e),
                    }
                }
                // No id of its own: it comes under the last event's.
                Live::Signal(step) => store
                    .read_step(agent, step)
                    .await
                    .map(|event| event.map(|event| FeedItem { id: last, event })),
                Live::Queues(q) => Ok(Some(FeedItem {
                    id: last,
                    event: DeskEvent::Queues(q),
                })),
                Live::Board(d) => Ok(Some(FeedItem {
                    id: last,
                    event: DeskEvent::Board(d),
                })),
                Live::Error(e) => Err(e),
            };
            if !pass(&tx, item).await {
                return;
            }
        }
        // The shared reader dropped the desk (it fell behind): join again from `last`.
    }
}
