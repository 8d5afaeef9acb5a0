use thiserror::Error;

/// Store errors: each displays as one readable line.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("{0}")]
    Config(String),
    #[error("cannot open the database {0}")]
    Unreachable(String),
    #[error("{0}")]
    SchemaNewer(String),
    #[error("database migration failed: {0}")]
    Migrate(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    /// Someone else saved the record first (optimistic version check).
    #[error("{0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}
