//! What the screens of a chat ask for, done: calls on the data interface, the clipboard,
//! the file picker and file reads, each result delivered back to the chat as a message.

use super::{Console, View};
use crate::contact_search;
use crate::interaction::{self, Action, Message, Outcome};
use crate::{clipboard, files, history, past, transcript};
use iced::Task;
use std::path::PathBuf;

impl Console {
    /// Runs `future` and hands its output to chat `id` as the message `wrap` makes.
    pub(super) fn perform_chat<T: Send + 'static>(
        &self,
        id: i64,
        future: impl Future<Output = T> + Send + 'static,
        wrap: impl Fn(T) -> interaction::Message + Send + 'static,
    ) -> Task<super::Message> {
        Task::perform(future, move |r| super::Message::Chat(id, wrap(r)))
    }

    pub(super) fn load_pop(&self, id: i64, contact: i64) -> Task<super::Message> {
        self.perform_chat(id, self.data.screen_pop(contact), |r| {
            Message::Done(Outcome::Pop(r))
        })
    }

    /// Reads an image file (picked or dropped) into chat `id`'s composer.
    pub(super) fn load_image(&self, id: i64, path: PathBuf) -> Task<super::Message> {
        self.perform_chat(id, files::load_image(path), |r| {
            Message::Done(Outcome::ImageLoaded(r))
        })
    }

    /// A customer's file saved (or the dialog cancelled): the note says where, or why not.
    pub(super) fn file_saved(
        &mut self,
        r: Result<Option<PathBuf>, files::FileError>,
    ) -> Task<super::Message> {
        match r {
            Ok(Some(path)) => self.note(format!("Saved to {}.", path.display())),
            Ok(None) => {}
            Err(e) => self.note(e.to_string()),
        }
        Task::none()
    }

    /// Does what chat `id` asked for.
    pub(super) fn run(&mut self, id: i64, action: Action) -> Task<super::Message> {
        let data = self.data.clone();
        match action {
            Action::None => Task::none(),
            Action::Run(task) => task.map(move |m| super::Message::Chat(id, m)),
            Action::Send(m) => {
                // Written down before the first attempt: a console killed while the
                // database is away sends it on its next start.
                self.save_session();
                let client_id = m.client_id.clone();
                self.perform_chat(id, data.send(id, m), move |r| {
                    Message::Sent(client_id.clone(), r)
                })
            }
            Action::End => self.perform_chat(id, data.end_chat(id), Message::Ended),
            Action::LoadEarlier(before) => self.perform_chat(
                id,
                data.earlier_messages(id, before, transcript::WINDOW),
                Message::Earlier,
            ),
            Action::Verify(contact) => {
                self.perform_chat(id, data.verify(id, contact), Message::Verified)
            }
            Action::Verified(contact) => {
                // The screen pop opens as a top-level tab of its own, and the earlier
                // conversations are now the contact's.
                self.work.view = View::Chat(id);
                self.work.selected = Some(id);
                let history = match self.chat_mut(id) {
                    Some(c) => c.load_history(),
                    None => Action::None,
                };
                Task::batch([self.load_pop(id, contact), self.run(id, history)])
            }
            Action::LoadHistory(q) => self.perform_chat(id, data.history(q), |r| {
                Message::History(history::Message::Loaded(r))
            }),
            Action::OpenPast(place, chat) => {
                self.perform_chat(id, data.past_chat(chat, past::NEWEST), move |r| {
                    Message::History(history::Message::Opened(place, Box::new(r)))
                })
            }
            Action::Match => {
                let Some(c) = self.chat(id) else {
                    return Task::none();
                };
                let (email, name) = (
                    c.chat().customer_email.clone(),
                    c.chat().customer_name.clone(),
                );
                self.perform_chat(id, self.data.match_contact(email, name), Message::Matched)
            }
            Action::SearchContacts(contact_search::Lookup::Now { seq, query }) => self
                .perform_chat(
                    id,
                    data.search_contacts(query, contact_search::SHOWN),
                    move |r| Message::Done(Outcome::Contacts(seq, r)),
                ),
            // The pause after a keystroke; the screen decides then whether to search.
            Action::SearchContacts(contact_search::Lookup::After { seq, delay }) => self
                .perform_chat(id, tokio::time::sleep(delay), move |()| {
                    Message::Done(Outcome::SearchDue(seq))
                }),
            Action::SearchAccounts(q) => {
                self.perform_chat(id, data.search_accounts(q, 8), move |r| {
                    Message::Done(Outcome::Accounts(r))
                })
            }
            Action::CreateContact(draft) => {
                self.perform_chat(id, data.create_contact(draft), move |r| {
                    Message::Done(Outcome::ContactCreated(r))
                })
            }
            Action::LoadPop(contact) => self.load_pop(id, contact),
            Action::SaveRecord(key, edit) => {
                self.perform_chat(id, data.save_record(edit), move |r| {
                    Message::Done(Outcome::Record(key, r))
                })
            }
            Action::ReloadRecord(key, kind, record_id) => {
                self.perform_chat(id, data.record(kind, record_id), move |r| {
                    Message::Done(Outcome::Record(key, r))
                })
            }
            Action::ReadClipboard => {
                self.perform_chat(id, clipboard::read(), |r| Message::Done(Outcome::Pasted(r)))
            }
            Action::WriteClipboard { html, plain } => {
                self.perform_chat(id, clipboard::write(html, plain), |r| {
                    Message::Done(Outcome::Copied(r))
                })
            }
            Action::Typing => Task::perform(data.typing(id), |_| ()).discard(),
            // The list closed around the editor: the keyboard goes back to it.
            Action::ReplyUsed(reply) => Task::batch([
                iced::widget::operation::focus(interaction::composer_id(id)),
                Task::perform(data.reply_used(reply), |_| ())
                    .discard()
                    .chain(self.load_replies()),
            ]),
            Action::SaveReply(reply, draft) => {
                let save = match reply {
                    Some(reply) => data.update_reply(reply, draft),
                    None => data.add_reply(draft),
                };
                self.perform_chat(id, save, |r| Message::Done(Outcome::ReplySaved(r)))
                    .chain(self.load_replies())
            }
            Action::RemoveReply(reply) => self
                .perform_chat(id, data.remove_reply(reply), |r| {
                    Message::Done(Outcome::ReplyRemoved(r))
                })
                .chain(self.load_replies()),
            Action::AskHelp => self.perform_chat(id, data.ask_help(id), Message::HelpAsked),
            Action::PickImage => Task::perform(files::pick_image(), move |path| {
                super::Message::ImageChosen(id, path)
            }),
            Action::LoadTransferTargets => self.perform_chat(id, data.transfer_targets(), |r| {
                Message::Done(Outcome::TransferTargets(r))
            }),
            Action::Transfer { target, note } => {
                self.perform_chat(id, data.transfer(id, target, note), |r| {
                    Message::Done(Outcome::Transferred(r))
                })
            }
            Action::TransferredToQueue(queue) => {
                let name = self.chat(id).map(|c| c.chat().customer_name.clone());
                self.close_chat(id);
                if let Some(name) = name {
                    self.note(format!("{name}'s chat was transferred to {queue}."));
                }
                Task::none()
            }
            Action::WrapUp { disposition, note } => {
                self.perform_chat(id, data.wrap_up(id, disposition, note), |r| {
                    Message::Done(Outcome::WrappedUp(r))
                })
            }
            Action::Closed => {
                self.close_chat(id);
                Task::none()
            }
            Action::SaveFile { message_id, name } => Task::perform(
                files::save_with_dialog(data, message_id, name),
                super::Message::FileSaved,
            ),
            Action::EnterSends(on) => {
                // One setting for the agent: every composer follows.
                self.me.enter_sends = on;
                for c in &mut self.work.chats {
                    c.set_enter_sends(on);
                }
                iced::widget::operation::focus(interaction::composer_id(id))
            }
        }
    }
}
