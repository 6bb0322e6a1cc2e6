//! Keyset pages of a workspace's servers, in any of the sort orders the UI offers. A cursor
//! carries the sort it was made for and the last row's sort key and id, so a page starts
//! right after the last one seen even while servers are added.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rusqlite::{Connection, ToSql};
use serde::{Deserialize, Serialize};

use super::model::{ServerQuery, ServerSort};
use super::repo::{COLUMNS, ServerRow, from_row};
use crate::error::{Error, Result};

#[derive(Serialize, Deserialize)]
struct Cursor {
    sort: ServerSort,
    desc: bool,
    key: String,
    id: String,
}

impl ServerSort {
    /// The column a page is ordered by (then by id, which is unique).
    fn column(self) -> &'static str {
        match self {
            ServerSort::Created => "id",
            ServerSort::Name => "name COLLATE NOCASE",
            ServerSort::Updated => "updated_at",
        }
    }

    fn key_of(self, row: &ServerRow) -> String {
        match self {
            ServerSort::Created => row.server.id.clone(),
            ServerSort::Name => row.server.name.clone(),
            ServerSort::Updated => row.server.updated_at.clone(),
        }
    }
}

pub(crate) fn page(
    conn: &Connection,
    workspace_id: &str,
    query: &ServerQuery,
    limit: u32,
) -> Result<(Vec<ServerRow>, Option<String>)> {
    let sort = query.sort.unwrap_or_default();
    let dir = if query.desc { "DESC" } else { "ASC" };
    let mut sql = format!("SELECT {COLUMNS} FROM servers WHERE workspace_id = ?1");
    let mut args: Vec<Box<dyn ToSql>> = vec![Box::new(workspace_id.to_string())];
    let mut arg = |sql: &mut String, clause: &str, value: Box<dyn ToSql>| {
        args.push(value);
        sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
    };
    sql.push_str(if query.deleted {
        " AND deleted_at IS NOT NULL"
    } else {
        " AND deleted_at IS NULL"
    });
    if let Some(status) = query.status {
        arg(&mut sql, " AND status = ?", Box::new(status.as_str()));
    }
    if let Some(enabled) = query.enabled {
        arg(&mut sql, " AND is_enabled = ?", Box::new(enabled));
    }
    if let Some(search) = query
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let pattern = format!("%{}%", escape_like(search));
        arg(
            &mut sql,
            " AND (name LIKE ? ESCAPE '\\'",
            Box::new(pattern.clone()),
        );
        arg(
            &mut sql,
            " OR description LIKE ? ESCAPE '\\')",
            Box::new(pattern),
        );
    }
    if let Some(cursor) = query.cursor.as_deref().filter(|c| !c.is_empty()) {
        let cursor = decode(cursor)?;
        if cursor.sort != sort || cursor.desc != query.desc {
            return Err(cursor_error("the cursor belongs to another sort order"));
        }
        let op = if query.desc { "<" } else { ">" };
        if sort == ServerSort::Created {
            arg(&mut sql, &format!(" AND id {op} ?"), Box::new(cursor.id));
        } else {
            let column = sort.column();
            arg(
                &mut sql,
                &format!(" AND ({column} {op} ?"),
                Box::new(cursor.key.clone()),
            );
            arg(
                &mut sql,
                &format!(" OR ({column} = ?"),
                Box::new(cursor.key),
            );
            arg(&mut sql, &format!(" AND id {op} ?))"), Box::new(cursor.id));
        }
    }
    sql.push_str(&format!(" ORDER BY {} {dir}, id {dir}", sort.column()));
    // One row more than asked tells whether another page follows.
    arg(&mut sql, " LIMIT ?", Box::new(i64::from(limit) + 1));

    let mut stmt = conn.prepare_cached(&sql)?;
    let params: Vec<&dyn ToSql> = args.iter().map(|a| a.as_ref()).collect();
    let mut rows = stmt
        .query_map(params.as_slice(), from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let next = if rows.len() > limit as usize {
        rows.truncate(limit as usize);
        rows.last().map(|last| {
            encode(&Cursor {
                sort,
                desc: query.desc,
                key: sort.key_of(last),
                id: last.server.id.clone(),
            })
        })
    } else {
        None
    };
    Ok((rows, next))
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

fn encode(cursor: &Cursor) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(cursor).expect("a cursor always serializes"))
}

fn decode(text: &str) -> Result<Cursor> {
    URL_SAFE_NO_PAD
        .decode(text)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Cursor>(&bytes).ok())
        .ok_or_else(|| cursor_error("the cursor is not one a list returned"))
}

fn cursor_error(why: &str) -> Error {
    Error::validation("cursor", format!("{why}; start again from the first page"))
}
