//! The *Replies* panel of a chat: the standard replies the agent sees, searched and browsed
//! by folder, inserted into the composer with a click; the agent adds, edits and removes
//! their own (the site's and the queues' are the administrators', `livewindow reply`).
//! No IO: saving and removing are [`Action`]s the console runs; the list comes back from
//! the console after each change.

use super::style;
use crate::widget::focus::Keys;
use iced::widget::{button, column, container, row, scrollable, text, text_input};
use iced::{Element, Length};
use livewindow_core::StoreError;
use livewindow_core::reply::{ReplyDraft, ReplyScope, StandardReply, matching};
use std::sync::Arc;

pub const SEARCH: &str = "replies-search";
pub const NAME: &str = "reply-name";
pub const SHORTCUT: &str = "reply-shortcut";
pub const FOLDER: &str = "reply-folder";
pub const TEXT: &str = "reply-text";

pub struct Panel {
    agent_id: i64,
    replies: Arc<[StandardReply]>,
    search: String,
    /// `None`: every folder.
    folder: Option<String>,
    form: Option<Form>,
    error: Option<String>,
}

/// A reply of the agent's being written: new (`id` None) or edited.
#[derive(Debug, Clone, Default)]
struct Form {
    id: Option<i64>,
    name: String,
    shortcut: String,
    folder: String,
    text: String,
    busy: bool,
    error: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Search(String),
    Folder(Option<String>),
    Insert(i64),
    New,
    Edit(i64),
    Name(String),
    Shortcut(String),
    FolderName(String),
    Text(String),
    Save,
    Cancel,
    Remove(i64),
    Close,
    Saved(Result<StandardReply, StoreError>),
    Removed(Result<(), StoreError>),
}

pub enum Action {
    None,
    Insert(StandardReply),
    Save(Option<i64>, ReplyDraft),
    Remove(i64),
    Close,
}

impl Panel {
    pub fn new(agent_id: i64, replies: Arc<[StandardReply]>) -> Panel {
        Panel {
            agent_id,
            replies,
            search: String::new(),
            folder: None,
            form: None,
            error: None,
        }
    }

    pub fn set_replies(&mut self, replies: Arc<[StandardReply]>) {
        self.replies = replies;
    }

    fn own(&self, r: &StandardReply) -> bool {
        r.scope.owned_by(self.agent_id)
    }

    /// The replies shown: matching the search, in the folder chosen.
    pub fn shown(&self) -> Vec<&StandardReply> {
        matching(&self.replies, &self.search)
            .into_iter()
            .filter(|r| self.folder.is_none() || r.folder == self.folder)
            .collect()
    }

    fn folders(&self) -> Vec<String> {
        let mut f: Vec<String> = self
            .replies
            .iter()
            .filter_map(|r| r.folder.clone())
            .collect();
        f.sort_by_key(|s| s.to_lowercase());
        f.dedup();
        f
    }

    fn find(&self, id: i64) -> Option<&StandardReply> {
        self.replies.iter().find(|r| r.id == id)
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Search(s) => self.search = s,
            Message::Folder(f) => self.folder = f,
            Message::Insert(id) => {
                if let Some(r) = self.find(id) {
                    return Action::Insert(r.clone());
                }
            }
            Message::New => {
                self.form = Some(Form {
                    folder: self.folder.clone().unwrap_or_default(),
                    ..Form::default()
                });
                return Action::None;
            }
            Message::Edit(id) => {
                if let Some(r) = self.find(id).filter(|r| self.own(r)) {
                    self.form = Some(Form {
                        id: Some(r.id),
                        name: r.name.clone(),
                        shortcut: r.shortcut.clone(),
                        folder: r.folder.clone().unwrap_or_default(),
                        text: r.body_text.clone(),
                        ..Form::default()
                    });
                }
            }
            Message::Name(v) => self.edit(|f| f.name = v),
            Message::Shortcut(v) => self.edit(|f| f.shortcut = v),
            Message::FolderName(v) => self.edit(|f| f.folder = v),
            Message::Text(v) => self.edit(|f| f.text = v),
            Message::Save => {
                let agent = self.agent_id;
                if let Some(f) = &mut self.form
                    && !f.busy
                {
                    f.busy = true;
                    f.error = None;
                    let draft = ReplyDraft {
                        name: f.name.clone(),
                        shortcut: f.shortcut.clone(),
                        folder: Some(f.folder.clone()).filter(|s| !s.trim().is_empty()),
                        scope: ReplyScope::Agent(agent),
                        body_text: f.text.clone(),
                        body_html: None,
                    };
                    return Action::Save(f.id, draft);
                }
            }
            Message::Cancel => self.form = None,
            Message::Remove(id) => {
                if self.find(id).is_some_and(|r| self.own(r)) {
                    self.error = None;
                    return Action::Remove(id);
                }
            }
            Message::Close => return Action::Close,
            Message::Saved(Ok(_)) => self.form = None,
            Message::Saved(Err(e)) => {
                if let Some(f) = &mut self.form {
                    f.busy = false;
                    f.error = Some(crate::sentence("The reply was not saved", &e));
                }
            }
            Message::Removed(Ok(())) => {}
            Message::Removed(Err(e)) => {
                self.error = Some(crate::sentence("The reply was not removed", &e));
            }
        }
        Action::None
    }

    fn edit(&mut self, f: impl FnOnce(&mut Form)) {
        if let Some(form) = &mut self.form {
            f(form);
            form.error = None;
        }
    }

    pub fn view(&self) -> Element<'_, Message> {
        let title = row![
            text("Replies").size(18).width(Length::Fill),
            button(text("New reply"))
                .style(button::secondary)
                .keys(self.form.is_none().then_some(Message::New)),
            button(text("Close"))
                .style(button::text)
                .keys(Some(Message::Close)),
        ]
        .spacing(8)
        .align_y(iced::Alignment::Center);
        let mut col = column![title].spacing(8);
        if let Some(f) = &self.form {
            col = col.push(form_view(f));
        }
        col = col.push(
            text_input("Search replies by name, shortcut or text", &self.search)
                .id(SEARCH)
                .on_input(Message::Search),
        );
        let mut folders = row![folder_button("All".into(), None, self.folder.is_none())].spacing(4);
        for f in self.folders() {
            let on = self.folder.as_deref() == Some(f.as_str());
            folders = folders.push(folder_button(f.clone(), Some(f), on));
        }
        col = col.push(folders.wrap());
        if let Some(e) = &self.error {
            col = col.push(text(e).style(style::field_error));
        }
        let shown = self.shown();
        let mut list = column![].spacing(6);
        if shown.is_empty() {
            list = list.push(text("No replies match.").style(style::muted));
        }
        for r in shown {
            list = list.push(self.row_view(r));
        }
        col.push(scrollable(list).height(Length::Fill)).into()
    }

    fn row_view<'a>(&self, r: &'a StandardReply) -> Element<'a, Message> {
        let scope = match r.scope {
            ReplyScope::Site => "Site".to_string(),
            ReplyScope::Queue(_) => r.scope_name.clone().unwrap_or_else(|| "Queue".into()),
            ReplyScope::Agent(_) => "Mine".to_string(),
        };
        let own = self.own(r);
        let mut buttons = row![
            button(text("Insert").size(13))
                .style(button::primary)
                .keys(Some(Message::Insert(r.id)))
        ]
        .spacing(4);
        if own {
            buttons = buttons.push(
                button(text("Edit").size(13))
                    .style(button::secondary)
                    .keys(Some(Message::Edit(r.id))),
            );
            buttons = buttons.push(
                button(text("Remove").size(13))
                    .style(button::danger)
                    .keys(Some(Message::Remove(r.id))),
            );
        }
        container(
            column![
                row![
                    text(format!("/{}", r.shortcut)).size(14),
                    text(&r.name).size(14).width(Length::Fill),
                    text(format!("{scope} · {} uses", r.uses))
                        .size(12)
                        .style(style::muted),
                ]
                .spacing(8),
                text(style::shown(&r.body_text, 160))
                    .size(12)
                    .style(style::muted)
                    .wrapping(style::WRAP),
                buttons,
            ]
            .spacing(4),
        )
        .style(style::card)
        .padding(6)
        .width(Length::Fill)
        .into()
    }
}

fn folder_button<'a>(label: String, folder: Option<String>, on: bool) -> Element<'a, Message> {
    button(text(label).size(13))
        .style(move |t, s| {
            if on {
                button::primary(t, s)
            } else {
                button::text(t, s)
            }
        })
        .keys(Some(Message::Folder(folder)))
        .into()
}

fn form_view(f: &Form) -> Element<'_, Message> {
    let mut col = column![
        text(if f.id.is_some() {
            "Edit your reply"
        } else {
            "A new reply of yours"
        })
        .size(14),
        text_input("Name", &f.name).id(NAME).on_input(Message::Name),
        text_input("Shortcut (typed after /)", &f.shortcut)
            .id(SHORTCUT)
            .on_input(Message::Shortcut),
        text_input("Folder (optional)", &f.folder)
            .id(FOLDER)
            .on_input(Message::FolderName),
        text_input(
            "Text: {{customer.first_name | \"there\"}}, [[order number]]",
            &f.text
        )
        .id(TEXT)
        .on_input(Message::Text)
        .on_submit(Message::Save),
    ]
    .spacing(6);
    if let Some(e) = &f.error {
        col = col.push(text(e).style(style::field_error));
    }
    col.push(
        row![
            button(text("Save"))
                .style(button::primary)
                .keys((!f.busy).then_some(Message::Save)),
            button(text("Cancel"))
                .style(button::text)
                .keys(Some(Message::Cancel)),
        ]
        .spacing(8),
    )
    .into()
}
