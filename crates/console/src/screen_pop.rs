//! The screen pop: the verified customer's accounts, contacts, assets and work orders in
//! nested tabs. Records open in tabs of their own, where they are changed and saved.

use super::record::{self, RecordTab};
use super::style;
use crate::widget::focus::Keys;
use iced::widget::{button, column, container, row, scrollable, space, table, text};
use iced::{Element, Length};
use livewindow_core::StoreError;
use livewindow_core::crm::{
    Account, Asset, Contact, Record, RecordEdit, RecordKind as Kind, ScreenPop, WorkOrder,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Accounts,
    Contacts,
    Assets,
    WorkOrders,
    /// The customer's earlier chats (drawn by the chat: `history`).
    Conversations,
    Record(usize),
}

impl Tab {
    pub fn name(self) -> &'static str {
        match self {
            Tab::Accounts => "accounts",
            Tab::Contacts => "contacts",
            Tab::Assets => "assets",
            Tab::WorkOrders => "work_orders",
            Tab::Conversations => "conversations",
            Tab::Record(_) => "record",
        }
    }

    pub fn parse(s: &str) -> Tab {
        match s {
            "contacts" => Tab::Contacts,
            "assets" => Tab::Assets,
            "work_orders" => Tab::WorkOrders,
            "conversations" => Tab::Conversations,
            _ => Tab::Accounts,
        }
    }
}

pub struct State {
    contact_id: i64,
    data: Option<Box<ScreenPop>>,
    tab: Tab,
    /// Open records, each with the key its messages carry (an index would point at another
    /// record once a tab before it closes).
    records: Vec<(u64, RecordTab)>,
    next_key: u64,
    error: Option<StoreError>,
}

#[derive(Debug, Clone)]
pub enum Message {
    Loaded(Result<Box<ScreenPop>, StoreError>),
    Tab(Tab),
    Open(Kind, i64),
    New(Kind, Option<i64>),
    CloseRecord(usize),
    Record(u64, record::Message),
    /// A record as saved or read again, for the tab with this key.
    Saved(u64, Result<Record, StoreError>),
}

pub enum Action {
    None,
    /// Load (again) the records of this contact.
    Load(i64),
    Save(u64, RecordEdit),
    Reload(u64, Kind, i64),
    /// A record tab opened: the keyboard's focus goes to its first field.
    Focus(iced::widget::Id),
}

impl State {
    /// The nested tab in front.
    pub fn tab(&self) -> Tab {
        self.tab
    }

    /// A screen pop for a verified contact; the parent loads its data ([`Action::Load`]).
    pub fn new(contact_id: i64, tab: Tab) -> State {
        State {
            contact_id,
            data: None,
            tab,
            records: Vec::new(),
            next_key: 0,
            error: None,
        }
    }

    /// The record tab in front's first field, to take the focus.
    fn focus_record(&self) -> Action {
        let field = match self.tab {
            Tab::Record(i) => self.records.get(i).and_then(|(_, r)| r.first_field()),
            _ => None,
        };
        field.map_or(Action::None, Action::Focus)
    }

    fn push(&mut self, tab: RecordTab) {
        self.next_key += 1;
        self.records.push((self.next_key, tab));
        self.tab = Tab::Record(self.records.len() - 1);
    }

    /// The verified contact's account, once loaded (a reply's `{{contact.account}}`).
    pub fn account(&self) -> Option<&livewindow_core::crm::Account> {
        self.data.as_ref().and_then(|d| d.account.as_ref())
    }

    /// Whether an open record has edits not saved yet.
    pub fn has_unsaved(&self) -> bool {
        self.records.iter().any(|(_, r)| r.is_edited())
    }

    pub fn update(&mut self, message: Message) -> Action {
        match message {
            Message::Loaded(Ok(data)) => {
                self.data = Some(data);
                self.error = None;
            }
            Message::Loaded(Err(e)) => self.error = Some(e),
            Message::Tab(tab) => self.tab = tab,
            Message::Open(kind, id) => {
                if let Some(i) = self
                    .records
                    .iter()
                    .position(|(_, r)| r.kind == kind && r.id == Some(id))
                {
                    self.tab = Tab::Record(i);
                } else if let Some(tab) = self
                    .data
                    .as_deref()
                    .and_then(|data| RecordTab::open(kind, id, data))
                {
                    self.push(tab);
                }
                return self.focus_record();
            }
            Message::New(kind, asset) => {
                if let Some(data) = self.data.as_deref() {
                    let tab = RecordTab::new(kind, data, asset);
                    self.push(tab);
                }
                return self.focus_record();
            }
            Message::CloseRecord(i) => {
                if i < self.records.len() {
                    self.records.remove(i);
                    self.tab = match self.tab {
                        Tab::Record(j) if j == i => Tab::WorkOrders,
                        Tab::Record(j) if j > i => Tab::Record(j - 1),
                        t => t,
                    };
                }
            }
            Message::Saved(key, r) => {
                return self.update(Message::Record(key, record::Message::Saved(r)));
            }
            Message::Record(key, m) => {
                let Some((_, rec)) = self.records.iter_mut().find(|(k, _)| *k == key) else {
                    return Action::None;
                };
                let saved = matches!(m, record::Message::Saved(Ok(_)));
                match rec.update(m) {
                    record::Action::Save(edit) => return Action::Save(key, edit),
                    record::Action::Reload(kind, id) => return Action::Reload(key, kind, id),
                    record::Action::None if saved => {
                        // Lists show the change (and a new record appears in them).
                        return Action::Load(self.contact_id);
                    }
                    record::Action::None => {}
                }
            }
        }
        Action::None
    }

    /// The first nested tab: where F6 brings the focus to the screen pop.
    pub const FIRST_TAB: &str = "region-pop";

    /// The records, with the *Conversations* tab's body drawn by the chat; `wrap` makes
    /// the chat's message of the screen pop's.
    pub fn view<'a, M: 'a>(
        &'a self,
        conversations: Element<'a, M>,
        wrap: fn(Message) -> M,
    ) -> Element<'a, M> {
        let Some(data) = &self.data else {
            return match &self.error {
                Some(e) => text(super::sentence(
                    "The customer's records could not be loaded",
                    e,
                ))
                .style(style::field_error)
                .into(),
                None => text("Loading the customer's records…").into(),
            };
        };
        let title = text(format!(
            "{} — {}",
            data.contact.full_name(),
            data.account
                .as_ref()
                .map(|a| a.name.as_str())
                .unwrap_or("no account")
        ))
        .size(20);
        let body = match self.tab {
            Tab::Conversations => conversations,
            _ => self.records_view(data).map(wrap),
        };
        column![
            title,
            self.tabs_view(data).map(wrap),
            container(body).padding(8).height(Length::Fill),
        ]
        .spacing(8)
        .into()
    }

    fn tabs_view<'a>(&'a self, data: &'a ScreenPop) -> Element<'a, Message> {
        let tab_button = |label: String, tab: Tab| {
            button(text(label).size(14))
                .style(style::tab(self.tab == tab))
                .keys(Some(Message::Tab(tab)))
        };
        let mut tabs = row![
            tab_button("Accounts".into(), Tab::Accounts).id(Self::FIRST_TAB),
            tab_button(format!("Contacts ({})", data.contacts.len()), Tab::Contacts),
            tab_button(format!("Assets ({})", data.assets.len()), Tab::Assets),
            tab_button(
                format!("Work Orders ({})", data.work_orders.len()),
                Tab::WorkOrders
            ),
            tab_button("Conversations".into(), Tab::Conversations),
        ]
        .spacing(4);
        for (i, (_, r)) in self.records.iter().enumerate() {
            tabs = tabs.push(
                row![
                    tab_button(r.title(), Tab::Record(i)),
                    button(text("×").size(14))
                        .style(button::text)
                        .keys(Some(Message::CloseRecord(i))),
                ]
                .spacing(0),
            );
        }
        scrollable(tabs)
            .direction(scrollable::Direction::Horizontal(
                scrollable::Scrollbar::new().width(4).scroller_width(4),
            ))
            .into()
    }

    fn records_view<'a>(&'a self, data: &'a ScreenPop) -> Element<'a, Message> {
        match self.tab {
            Tab::Accounts => accounts_view(data),
            Tab::Contacts => contacts_view(data),
            Tab::Assets => assets_view(data),
            Tab::WorkOrders => work_orders_view(data),
            Tab::Record(i) => match self.records.get(i) {
                Some((key, r)) => {
                    let key = *key;
                    r.view().map(move |m| Message::Record(key, m))
                }
                None => text("").into(),
            },
            Tab::Conversations => text("").into(),
        }
    }
}

fn open_button<'a>(kind: Kind, id: i64) -> Element<'a, Message> {
    button(text("Open").size(13))
        .style(button::text)
        .keys(Some(Message::Open(kind, id)))
        .into()
}

fn accounts_view(data: &ScreenPop) -> Element<'_, Message> {
    match &data.account {
        Some(a) => column![
            table(
                [
                    table::column(text("Number"), |a: &Account| text(a.number.clone())),
                    table::column(text("Name"), |a: &Account| text(a.name.clone())),
                    table::column(text("Industry"), |a: &Account| text(a.industry.clone())),
                    table::column(text("City"), |a: &Account| text(a.city.clone())),
                    table::column(text(""), |a: &Account| open_button(Kind::Account, a.id)),
                ],
                [a],
            )
            .width(Length::Fill),
        ]
        .into(),
        None => text("This contact has no account.").into(),
    }
}

fn contacts_view(data: &ScreenPop) -> Element<'_, Message> {
    column![
        scrollable(
            table(
                [
                    table::column(text("Name"), |c: &Contact| text(c.full_name())),
                    table::column(text("Email"), |c: &Contact| text(c.email.clone())),
                    table::column(text("Phone"), |c: &Contact| text(c.phone.clone())),
                    table::column(text(""), |c: &Contact| open_button(Kind::Contact, c.id)),
                ],
                &data.contacts,
            )
            .width(Length::Fill)
        )
        .height(Length::Fill),
        button(text("New contact")).keys(Some(Message::New(Kind::Contact, None))),
    ]
    .spacing(8)
    .into()
}

fn assets_view(data: &ScreenPop) -> Element<'_, Message> {
    column![
        scrollable(
            table(
                [
                    table::column(text("Product"), |a: &Asset| text(a.product.clone())),
                    table::column(text("Serial"), |a: &Asset| text(a.serial.clone())),
                    table::column(text("Status"), |a: &Asset| text(a.status.clone())),
                    table::column(text(""), |a: &Asset| {
                        row![
                            open_button(Kind::Asset, a.id),
                            button(text("New work order").size(13))
                                .style(button::text)
                                .keys(Some(Message::New(Kind::WorkOrder, Some(a.id)))),
                        ]
                    }),
                ],
                &data.assets,
            )
            .width(Length::Fill)
        )
        .height(Length::Fill),
        row![
            button(text("New asset")).keys(
                data.account
                    .as_ref()
                    .map(|_| Message::New(Kind::Asset, None))
            ),
            space::horizontal(),
        ],
    ]
    .spacing(8)
    .into()
}

fn work_orders_view(data: &ScreenPop) -> Element<'_, Message> {
    column![
        scrollable(
            table(
                [
                    table::column(text("Number"), |w: &WorkOrder| text(w.number.clone())),
                    table::column(text("Subject"), |w: &WorkOrder| text(w.subject.clone())),
                    table::column(text("Status"), |w: &WorkOrder| text(w.status.clone())),
                    table::column(text("Priority"), |w: &WorkOrder| text(w.priority.clone())),
                    table::column(text("Due"), |w: &WorkOrder| {
                        text(livewindow_core::records::date_text(w.due_ms))
                    }),
                    table::column(text(""), |w: &WorkOrder| open_button(Kind::WorkOrder, w.id)),
                ],
                &data.work_orders,
            )
            .width(Length::Fill)
        )
        .height(Length::Fill),
        button(text("New work order")).keys(Some(Message::New(Kind::WorkOrder, None))),
    ]
    .spacing(8)
    .into()
}
