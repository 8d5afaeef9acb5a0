//! Files from the customer: kept with the message that carries them, in its transaction;
//! read back whole only to be downloaded or saved by an agent.

use super::rate::{Limit, Sent};
use super::{Result, Store, StoreError};
use livewindow_core::NewMessage;
use livewindow_core::attachment::{FileInfo, FileKind};
use livewindow_core::options::{OPT_ATTACHMENT_MB, OPT_ATTACHMENT_TYPES};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A checked file to store with a customer's message.
#[derive(Debug, Clone)]
pub struct NewFile {
    pub name: String,
    pub kind: FileKind,
    pub bytes: Vec<u8>,
}

/// What the site accepts now: the kinds and the largest size in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePolicy {
    pub kinds: Vec<FileKind>,
    pub max_mb: i64,
}

impl FilePolicy {
    pub fn max_bytes(&self) -> usize {
        usize::try_from(self.max_mb).unwrap_or(0) * 1024 * 1024
    }
}

fn kind_str(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Pdf => "pdf",
        FileKind::Text => "text",
        FileKind::Csv => "csv",
        FileKind::Docx => "docx",
        FileKind::Xlsx => "xlsx",
    }
}

fn kind_of(s: &str) -> Option<FileKind> {
    FileKind::ALL.into_iter().find(|k| kind_str(*k) == s)
}

/// The file columns `MESSAGE_SELECT` adds, when a message has a file (a query without
/// them reads as none).
pub(super) fn file_from_row(row: &AnyRow) -> Option<FileInfo> {
    let name: String = row.try_get::<Option<String>, _>("file_name").ok()??;
    let kind: String = row.try_get::<Option<String>, _>("file_kind").ok()??;
    let size: i64 = row.try_get::<Option<i64>, _>("file_size").ok()??;
    Some(FileInfo {
        name,
        kind: kind_of(&kind)?,
        size,
    })
}

impl Store {
    /// The kinds and size the site accepts (`SVC_CHAT_ATTACHMENT_TYPES`, `…_MB`).
    pub async fn file_policy(&self) -> Result<FilePolicy> {
        use livewindow_core::options::{number, text};
        let types = super::options::option_on(self.pool(), OPT_ATTACHMENT_TYPES, None).await?;
        let mb = super::options::option_on(self.pool(), OPT_ATTACHMENT_MB, None).await?;
        let kinds =
            livewindow_core::attachment::parse_types(text(OPT_ATTACHMENT_TYPES, types.as_deref()))
                .unwrap_or_default();
        Ok(FilePolicy {
            kinds,
            max_mb: number(OPT_ATTACHMENT_MB, mb.as_deref()),
        })
    }

    /// Stores a customer's message with its file, in one transaction, within the chat's
    /// message limit; a retry (same client id) answers with the message stored before.
    pub async fn send_customer_file(
        &self,
        chat_id: i64,
        m: &NewMessage,
        file: &NewFile,
        limit: Limit,
    ) -> Result<Sent> {
        self.send_with_file(chat_id, m, Some(limit), Some(file))
            .await
    }

    /// A message's file: what it is and its bytes; only for the chat's agents (the caller
    /// decides who may).
    pub async fn message_file(&self, message_id: i64) -> Result<(i64, FileInfo, Vec<u8>)> {
        let row = sqlx::query(
            "SELECT m.chat_id, f.name, f.kind, f.size, f.bytes FROM message_files f \
             JOIN messages m ON m.id = f.message_id WHERE f.message_id = $1",
        )
        .bind(message_id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("message {message_id} has no file")))?;
        let kind: String = row.try_get("kind")?;
        let info = FileInfo {
            name: row.try_get("name")?,
            kind: kind_of(&kind)
                .ok_or_else(|| StoreError::Database(format!("unknown file kind {kind:?}")))?,
            size: row.try_get("size")?,
        };
        Ok((row.try_get("chat_id")?, info, row.try_get("bytes")?))
    }

    /// A file's bytes for `agent`, whose chat it must be in (or be offered to them): the
    /// store's own check, as the server's `authorize` is for a team.
    pub async fn agents_file(&self, agent: i64, message_id: i64) -> Result<Vec<u8>> {
        let (chat_id, _, bytes) = self.message_file(message_id).await?;
        let parties = self.chat_parties(chat_id).await?.unwrap_or_default();
        if parties.agent_id != Some(agent) && parties.offered_agent_id != Some(agent) {
            return Err(StoreError::NotYours);
        }
        Ok(bytes)
    }

    /// Inserts a message's file inside its transaction.
    pub(super) async fn insert_file(
        &self,
        w: &mut super::WriteTx,
        message_id: i64,
        file: &NewFile,
    ) -> std::result::Result<(), sqlx::Error> {
        let size = i64::try_from(file.bytes.len()).unwrap_or(i64::MAX);
        sqlx::query(
            "INSERT INTO message_files (message_id, name, kind, size, bytes) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(message_id)
        .bind(&file.name)
        .bind(kind_str(file.kind))
        .bind(size)
        .bind(file.bytes.as_slice())
        .execute(&mut *w.tx)
        .await?;
        if let Some(m) = w.inserted.iter_mut().find(|m| m.id == message_id) {
            m.file = Some(FileInfo {
                name: file.name.clone(),
                kind: file.kind,
                size,
            });
        }
        Ok(())
    }
}
