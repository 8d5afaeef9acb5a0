//! Contacts: matching a chat's customer, search, and edits.

use super::{AnyQuery, Versioned, checked};
use crate::{Backend, Result, Store, StoreError};
use livewindow_core::crm::{Contact, ContactDraft, RecordKind};
use sqlx::Row;
use sqlx::any::AnyRow;

const CONTACT_SELECT: &str = "SELECT c.id, c.account_id, \
     ac.name AS account_name, c.first_name, c.last_name, c.email, c.phone, c.version \
     FROM contacts c LEFT JOIN accounts ac ON ac.id = c.account_id";

fn contact_row(row: &AnyRow) -> Result<Contact> {
    Ok(Contact {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        account_name: row.try_get("account_name")?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        version: row.try_get("version")?,
    })
}

fn bind_draft(q: AnyQuery<'static>, d: &ContactDraft) -> AnyQuery<'static> {
    q.bind(d.account_id)
        .bind(d.first_name.trim().to_string())
        .bind(d.last_name.trim().to_string())
        .bind(d.email.trim().to_string())
        .bind(d.phone.trim().to_string())
}

impl Store {
    pub async fn contact(&self, id: i64) -> Result<Contact> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{CONTACT_SELECT} WHERE c.id = $1"
        )))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("no contact {id}")))?;
        contact_row(&row)
    }

    pub async fn contact_count(&self) -> Result<i64> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM contacts")
            .fetch_one(self.pool())
            .await?;
        Ok(n)
    }

    /// The contact that matches a chat's customer: by email first, then by full name.
    pub async fn match_contact(&self, email: &str, name: &str) -> Result<Option<Contact>> {
        let sql =
            format!("{CONTACT_SELECT} WHERE lower(c.email) = lower($1) ORDER BY c.id LIMIT 1");
        if let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(email.trim())
            .fetch_optional(self.pool())
            .await?
        {
            return contact_row(&row).map(Some);
        }
        let name = name.trim();
        let (first, last) = name.rsplit_once(' ').unwrap_or(("", name));
        let sql = format!(
            "{CONTACT_SELECT} \
             WHERE lower(c.last_name) = lower($1) AND lower(c.first_name) = lower($2) ORDER BY c.id LIMIT 1"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(last.trim())
            .bind(first.trim())
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| contact_row(&r)).transpose()
    }

    /// Contacts whose first name, last name, "first last", email or account name starts
    /// with `query`, or (a query of phone characters) whose phone digits start or, from 4
    /// digits on, end with its digits. At most `limit`, by last name then first name.
    ///
    /// Each field is one index range walked in its index's order and cut at `limit`, so a
    /// search reads at most `limit` rows per field whatever the table's size; the union is
    /// then sorted by name. With more than `limit` matches in all, the ones shown are the
    /// first by name among each field's first `limit` (ask for one more than you show to
    /// learn that there are more).
    pub async fn search_contacts(&self, query: &str, limit: i64) -> Result<Vec<Contact>> {
        let query = livewindow_core::validate::clean_line(query);
        let Some(search) = Search::new(self.backend(), &query, limit) else {
            return Ok(Vec::new());
        };
        let (sql, binds) = search.statement();
        let rows = bind_all(sqlx::query(sqlx::AssertSqlSafe(sql)), binds)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(contact_row).collect()
    }

    /// The database's plan for a contact search: each field's branch alone (with the index
    /// it must walk), then the whole statement. For the tests that fail when a branch stops
    /// using its index.
    #[doc(hidden)]
    pub async fn explain_contact_search(
        &self,
        query: &str,
        limit: i64,
    ) -> Result<(Vec<BranchPlan>, String)> {
        let Some(search) = Search::new(self.backend(), query, limit) else {
            return Ok((Vec::new(), String::new()));
        };
        let mut branches = Vec::new();
        for b in &search.branches {
            let (sql, binds) = b.render(&mut 0);
            branches.push(BranchPlan {
                field: b.field.name(),
                index: b.field.index(self.backend()),
                plan: self.explain(&sql, binds).await?,
            });
        }
        let (sql, binds) = search.statement();
        let whole = self.explain(&sql, binds).await?;
        Ok((branches, whole))
    }

    /// `EXPLAIN` (Postgres) or `EXPLAIN QUERY PLAN` (SQLite) of a statement, one line per
    /// plan node.
    async fn explain(&self, sql: &str, binds: Vec<String>) -> Result<String> {
        let prefix = match self.backend() {
            Backend::Sqlite => "EXPLAIN QUERY PLAN",
            Backend::Postgres => "EXPLAIN",
        };
        let rows = bind_all(
            sqlx::query(sqlx::AssertSqlSafe(format!("{prefix} {sql}"))),
            binds,
        )
        .fetch_all(self.pool())
        .await?;
        let mut lines = Vec::new();
        for row in &rows {
            lines.push(match self.backend() {
                Backend::Sqlite => row.try_get::<String, _>("detail")?,
                Backend::Postgres => row.try_get::<String, _>(0)?,
            });
        }
        Ok(lines.join("\n"))
    }

    pub async fn contacts_of_account(&self, account_id: i64) -> Result<Vec<Contact>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{CONTACT_SELECT} WHERE c.account_id = $1 ORDER BY c.last_name, c.first_name, c.id LIMIT 500"
        )))
        .bind(account_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(contact_row).collect()
    }

    pub async fn create_contact(&self, d: &ContactDraft, by: i64) -> Result<Contact> {
        checked(d.check())?;
        let id = self
            .insert_record(
                RecordKind::Contact,
                by,
                "INSERT INTO contacts (account_id, first_name, last_name, email, phone, updated_ms) \
                 VALUES ($1, $2, $3, $4, $5, NOW_MS) RETURNING id",
                |q| bind_draft(q, d),
            )
            .await?;
        self.contact(id).await
    }

    pub async fn update_contact(
        &self,
        id: i64,
        version: i64,
        d: &ContactDraft,
        by: i64,
    ) -> Result<Contact> {
        checked(d.check())?;
        self.update_versioned(
            Versioned {
                kind: RecordKind::Contact,
                id,
                version,
                by,
            },
            "account_id = $1, first_name = $2, last_name = $3, email = $4, phone = $5",
            5,
            |q| bind_draft(q, d),
        )
        .await?;
        self.contact(id).await
    }
}

/// One branch of a contact search as the database plans it.
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct BranchPlan {
    /// What the branch matches: "last name", "first name", "first last", "email",
    /// "phone digits", "phone ending", "account name".
    pub field: &'static str,
    /// The index the branch must walk.
    pub index: &'static str,
    /// One line per plan node.
    pub plan: String,
}

/// Above every character: `x || TOP` sorts after every string that starts with `x`, so
/// `>= x AND < x || TOP` is "starts with x" as an index range under byte order (SQLite's
/// BINARY, Postgres's "C", where UTF-8 bytes sort as code points).
const TOP: char = char::MAX;

/// How many digits of a phone number are kept reversed (the migration's
/// `phone_digits_rev`), and how few make an "ends with" search worth running.
const SUFFIX_DIGITS: usize = 20;
const SUFFIX_MIN: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    LastName,
    FirstName,
    FirstLast,
    Email,
    PhonePrefix,
    PhoneSuffix,
    AccountName,
}

impl Field {
    fn name(self) -> &'static str {
        match self {
            Field::LastName => "last name",
            Field::FirstName => "first name",
            Field::FirstLast => "first last",
            Field::Email => "email",
            Field::PhonePrefix => "phone digits",
            Field::PhoneSuffix => "phone ending",
            Field::AccountName => "account name",
        }
    }

    /// The index (migration 20261203000001, or the initial schema's on SQLite) that serves
    /// the branch, in both its range and its order.
    fn index(self, backend: Backend) -> &'static str {
        match (self, backend) {
            (Field::LastName, Backend::Sqlite) => "contacts_name",
            (Field::LastName, Backend::Postgres) => "contacts_last_prefix",
            (Field::FirstName | Field::FirstLast, _) => "contacts_first_prefix",
            (Field::Email, Backend::Sqlite) => "contacts_email",
            (Field::Email, Backend::Postgres) => "contacts_email_prefix",
            (Field::PhonePrefix, _) => "contacts_phone_prefix",
            (Field::PhoneSuffix, _) => "contacts_phone_suffix",
            (Field::AccountName, _) => "accounts_name_prefix",
        }
    }
}

/// One field's branch: `SELECT c.id … ORDER BY <its index's order> LIMIT n`, with `$?`
/// for each value of `binds`, in order.
struct Branch {
    field: Field,
    sql: String,
    binds: Vec<String>,
}

impl Branch {
    /// The branch's SQL with its `$?` numbered from `*next + 1` on, and its values.
    fn render(&self, next: &mut usize) -> (String, Vec<String>) {
        let mut out = String::with_capacity(self.sql.len() + 8);
        let mut parts = self.sql.split("$?");
        out.push_str(parts.next().unwrap_or_default());
        for part in parts {
            *next += 1;
            out.push_str(&format!("${next}"));
            out.push_str(part);
        }
        (out, self.binds.clone())
    }
}

/// A search box query, as the branches that can match it.
struct Search {
    backend: Backend,
    branches: Vec<Branch>,
    limit: i64,
}

impl Search {
    /// None for a query with nothing to search for.
    fn new(backend: Backend, query: &str, limit: i64) -> Option<Search> {
        let q = query.split_whitespace().collect::<Vec<_>>().join(" ");
        if q.is_empty() || limit <= 0 {
            return None;
        }
        // Compare in byte order on Postgres whatever the database's collation, as the
        // indexes do; SQLite compares bytes already.
        let c = match backend {
            Backend::Sqlite => "",
            Backend::Postgres => " COLLATE \"C\"",
        };
        let n = limit;
        // Lower-cased by the database on both sides, so the query folds as the rows do.
        let starts = |expr: &str| format!("{expr}{c} >= lower($?) AND {expr}{c} < lower($?)");
        let bounds = |x: &str| vec![x.to_string(), format!("{x}{TOP}")];
        let mut branches = vec![
            Branch {
                field: Field::LastName,
                sql: format!(
                    "SELECT c.id FROM contacts c WHERE {} \
                     ORDER BY lower(c.last_name){c}, lower(c.first_name){c}, c.id LIMIT {n}",
                    starts("lower(c.last_name)")
                ),
                binds: bounds(&q),
            },
            Branch {
                field: Field::FirstName,
                sql: format!(
                    "SELECT c.id FROM contacts c WHERE {} \
                     ORDER BY lower(c.first_name){c}, lower(c.last_name){c}, c.id LIMIT {n}",
                    starts("lower(c.first_name)")
                ),
                binds: bounds(&q),
            },
        ];
        // "ana li": first name "ana" exactly, last name starting with "li".
        if let Some((first, last)) = q.rsplit_once(' ') {
            let mut binds = vec![first.to_string()];
            binds.extend(bounds(last));
            branches.push(Branch {
                field: Field::FirstLast,
                sql: format!(
                    "SELECT c.id FROM contacts c WHERE lower(c.first_name){c} = lower($?) AND {} \
                     ORDER BY lower(c.last_name){c}, c.id LIMIT {n}",
                    starts("lower(c.last_name)")
                ),
                binds,
            });
        }
        branches.push(Branch {
            field: Field::Email,
            sql: format!(
                "SELECT c.id FROM contacts c WHERE {} ORDER BY lower(c.email){c}, c.id LIMIT {n}",
                starts("lower(c.email)")
            ),
            binds: bounds(&q),
        });
        // Phone numbers only for a query made of what a phone holds ("+1 (555) 12"), so
        // "ana2" does not list every phone with a 2 in it.
        let phone_like = q
            .chars()
            .all(|ch| ch.is_ascii_digit() || " +-().".contains(ch));
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        if phone_like && !digits.is_empty() {
            branches.push(Branch {
                field: Field::PhonePrefix,
                sql: format!(
                    "SELECT c.id FROM contacts c WHERE c.phone_digits{c} >= $? AND c.phone_digits{c} < $? \
                     ORDER BY c.phone_digits{c}, c.id LIMIT {n}"
                ),
                binds: bounds(&digits),
            });
            if digits.len() >= SUFFIX_MIN {
                let reversed: String = digits.chars().rev().take(SUFFIX_DIGITS).collect();
                branches.push(Branch {
                    field: Field::PhoneSuffix,
                    sql: format!(
                        "SELECT c.id FROM contacts c \
                         WHERE c.phone_digits_rev{c} >= $? AND c.phone_digits_rev{c} < $? \
                         ORDER BY c.phone_digits_rev{c}, c.id LIMIT {n}"
                    ),
                    binds: bounds(&reversed),
                });
            }
        }
        branches.push(Branch {
            field: Field::AccountName,
            sql: format!(
                "SELECT c.id FROM accounts ac JOIN contacts c ON c.account_id = ac.id WHERE {} \
                 ORDER BY lower(ac.name){c}, ac.id, c.id LIMIT {n}",
                starts("lower(ac.name)")
            ),
            binds: bounds(&q),
        });
        Some(Search {
            backend,
            branches,
            limit,
        })
    }

    /// The whole search: the branches' ids, without duplicates, then their contacts by name.
    fn statement(&self) -> (String, Vec<String>) {
        let mut next = 0;
        let mut union = Vec::new();
        let mut binds = Vec::new();
        for (i, b) in self.branches.iter().enumerate() {
            let (sql, values) = b.render(&mut next);
            // A subquery each: a compound SELECT's parts cannot have their own LIMIT.
            union.push(format!("SELECT id FROM ({sql}) b{i}"));
            binds.extend(values);
        }
        let ids = union.join(" UNION ");
        // From the few ids to their rows by primary key, never a join that could read all
        // contacts: Postgres hashes a join's other side when it guesses that is cheaper
        // (it does at 30,000 rows), but looks up an array's ids in the index.
        let wanted = match self.backend {
            Backend::Sqlite => format!("c.id IN ({ids})"),
            Backend::Postgres => format!("c.id = ANY(ARRAY({ids}))"),
        };
        let sql = format!(
            "{CONTACT_SELECT} WHERE {wanted} \
             ORDER BY lower(c.last_name), lower(c.first_name), c.id LIMIT {}",
            self.limit
        );
        (sql, binds)
    }
}

fn bind_all(mut q: AnyQuery<'static>, binds: Vec<String>) -> AnyQuery<'static> {
    for b in binds {
        q = q.bind(b);
    }
    q
}
