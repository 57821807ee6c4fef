//! The public-procurement goods classification (물품분류번호): UNSPSC-based 8-digit codes,
//! segment → family → class → commodity, kept as a tree.

use crate::store;
use diesel::prelude::*;
use muhan_core::ErrorCode;
use muhan_core::{text, DomainError, DomainResult, FieldErrors};
use muhan_db::schema::categories;
use muhan_db::DbConn;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = categories)]
struct CategoryRow {
    id: i64,
    code: String,
    name: String,
    name_en: String,
    parent_id: Option<i64>,
}

/// A node of the classification tree.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CategoryNode {
    pub id: i64,
    /// 8-digit code, e.g. `50201700`.
    pub code: String,
    /// Korean name.
    pub name: String,
    pub name_en: String,
    pub parent_id: Option<i64>,
    #[schema(no_recursion)]
    pub children: Vec<CategoryNode>,
}

fn all_rows(conn: &mut DbConn) -> DomainResult<Vec<CategoryRow>> {
    Ok(categories::table
        .select(CategoryRow::as_select())
        .order(categories::code.asc())
        .load(conn)?)
}

/// The whole tree: root nodes (segments) with their descendants, ordered by code.
pub fn tree(conn: &mut DbConn) -> DomainResult<Vec<CategoryNode>> {
    let rows = all_rows(conn)?;
    let mut children: HashMap<Option<i64>, Vec<CategoryRow>> = HashMap::new();
    for row in rows {
        children.entry(row.parent_id).or_default().push(row);
    }
    fn build(
        parent: Option<i64>,
        children: &mut HashMap<Option<i64>, Vec<CategoryRow>>,
    ) -> Vec<CategoryNode> {
        let rows = children.remove(&parent).unwrap_or_default();
        rows.into_iter()
            .map(|r| CategoryNode {
                children: build(Some(r.id), children),
                id: r.id,
                code: r.code,
                name: r.name,
                name_en: r.name_en,
                parent_id: r.parent_id,
            })
            .collect()
    }
    Ok(build(None, &mut children))
}

/// `id` and every category below it.
pub fn with_descendants(conn: &mut DbConn, id: i64) -> DomainResult<Vec<i64>> {
    let pairs: Vec<(i64, Option<i64>)> = categories::table
        .select((categories::id, categories::parent_id))
        .load(conn)?;
    let mut by_parent: HashMap<i64, Vec<i64>> = HashMap::new();
    for (child, parent) in &pairs {
        if let Some(parent) = parent {
            by_parent.entry(*parent).or_default().push(*child);
        }
    }
    let mut out = vec![id];
    let mut i = 0;
    while i < out.len() {
        if let Some(kids) = by_parent.get(&out[i]) {
            out.extend(kids);
        }
        i += 1;
    }
    Ok(out)
}

/// Every category below `id` with its depth under it (`id` itself at 0); empty when `id` is
/// no category.
pub fn depths_below(conn: &mut DbConn, id: i64) -> DomainResult<HashMap<i64, u32>> {
    let pairs = parent_pairs(conn)?;
    let mut by_parent: HashMap<i64, Vec<i64>> = HashMap::new();
    for (child, parent) in &pairs {
        if let Some(parent) = parent {
            by_parent.entry(*parent).or_default().push(*child);
        }
    }
    let mut depths = HashMap::new();
    if !pairs.iter().any(|(c, _)| *c == id) {
        return Ok(depths);
    }
    depths.insert(id, 0u32);
    let mut frontier = vec![id];
    let mut depth = 0;
    while !frontier.is_empty() {
        depth += 1;
        let mut next = Vec::new();
        for node in frontier {
            for kid in by_parent.get(&node).into_iter().flatten() {
                if depths.insert(*kid, depth).is_none() {
                    next.push(*kid);
                }
            }
        }
        frontier = next;
    }
    Ok(depths)
}

/// The categories on the paths through `ids`: each of them, its ancestors and its
/// descendants (the categories in which a request concerns an enterprise selling in `ids`).
pub fn related(conn: &mut DbConn, ids: &[i64]) -> DomainResult<Vec<i64>> {
    let pairs = parent_pairs(conn)?;
    let parent_of: HashMap<i64, Option<i64>> = pairs.iter().copied().collect();
    let mut by_parent: HashMap<i64, Vec<i64>> = HashMap::new();
    for (child, parent) in &pairs {
        if let Some(parent) = parent {
            by_parent.entry(*parent).or_default().push(*child);
        }
    }
    let mut out: Vec<i64> = Vec::new();
    let mut below: Vec<i64> = ids.to_vec();
    while let Some(node) = below.pop() {
        if !out.contains(&node) {
            out.push(node);
            below.extend(by_parent.get(&node).into_iter().flatten());
        }
    }
    for id in ids {
        let mut up = parent_of.get(id).copied().flatten();
        while let Some(node) = up {
            if !out.contains(&node) {
                out.push(node);
            }
            up = parent_of.get(&node).copied().flatten();
        }
    }
    out.sort_unstable();
    Ok(out)
}

fn parent_pairs(conn: &mut DbConn) -> DomainResult<Vec<(i64, Option<i64>)>> {
    Ok(categories::table
        .select((categories::id, categories::parent_id))
        .load(conn)?)
}

pub fn exists(conn: &mut DbConn, id: i64) -> DomainResult<bool> {
    Ok(categories::table
        .find(id)
        .select(categories::id)
        .first::<i64>(conn)
        .optional()?
        .is_some())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCategoryRequest {
    /// 8 digits; a child's code extends its parent's (e.g. `50201700` under `50200000`).
    #[schema(min_length = 8, max_length = 8)]
    pub code: String,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name_en: String,
    pub parent_id: Option<i64>,
}

/// The level of a code: 1 segment (XX000000) … 4 commodity (XXYYZZWW).
fn level(code: &str) -> usize {
    let pairs = [&code[2..4], &code[4..6], &code[6..8]];
    1 + pairs.iter().rposition(|p| *p != "00").map_or(0, |i| i + 1)
}

/// Adds a category (admin). The code must be new (409 `conflict` otherwise, also when a
/// concurrent request made it first) and fit under its parent's code.
pub fn create(conn: &mut DbConn, req: &NewCategoryRequest) -> DomainResult<CategoryNode> {
    let mut errors = FieldErrors::new();
    let code_ok = req.code.len() == 8
        && req.code.bytes().all(|b| b.is_ascii_digit())
        && &req.code[..2] != "00";
    if !code_ok {
        errors.push(
            "code",
            "must be an 8-digit classification code such as 50201700",
        );
    }
    let name = errors.check("name", text::line(&req.name, 1, 100));
    let name_en = errors.check("name_en", text::line(&req.name_en, 1, 200));
    errors.finish(ErrorCode::ValidationFailed)?;
    let (Some(name), Some(name_en)) = (name, name_en) else {
        return Err(DomainError::internal("unreachable: checked fields"));
    };
    let lvl = level(&req.code);
    match req.parent_id {
        None if lvl != 1 => {
            return Err(DomainError::invalid(
                "parent_id",
                "only segment codes (XX000000) may be roots",
            ))
        }
        None => {}
        Some(parent_id) => {
            let parent: Option<String> = categories::table
                .find(parent_id)
                .select(categories::code)
                .first(conn)
                .optional()?;
            let Some(parent_code) = parent else {
                return Err(DomainError::invalid("parent_id", "no such category"));
            };
            let plvl = level(&parent_code);
            let prefix = plvl * 2;
            if lvl != plvl + 1 || req.code[..prefix] != parent_code[..prefix] {
                return Err(DomainError::invalid(
                    "code",
                    format!(
                        "must be one level below {parent_code} and start with {}",
                        &parent_code[..prefix]
                    ),
                ));
            }
        }
    }
    let Some(id) = store::insert_category_if_new(conn, &req.code, &name, &name_en, req.parent_id)?
    else {
        return Err(DomainError::conflict(
            ErrorCode::Conflict,
            format!("category {} exists", req.code),
        ));
    };
    Ok(CategoryNode {
        id,
        code: req.code.clone(),
        name,
        name_en,
        parent_id: req.parent_id,
        children: vec![],
    })
}

#[cfg(test)]
mod tests {
    use super::level;

    #[test]
    fn levels() {
        assert_eq!(level("50000000"), 1);
        assert_eq!(level("50200000"), 2);
        assert_eq!(level("50201700"), 3);
        assert_eq!(level("50201706"), 4);
    }
}
