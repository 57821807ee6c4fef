//! Upkeep of the search columns that catalog and directory search read (`crate::search`):
//! normalised names, their initials, the searched text and its n-grams. Products' columns
//! include their enterprise's name, so renaming an enterprise refreshes its products' columns.

use diesel::prelude::*;
use muhan_core::search_text::{chosung, grams, normalize};
use muhan_core::DomainResult;
use muhan_db::schema::products as p;
use muhan_db::DbConn;

/// An enterprise's columns: normalised name, initials, n-grams.
pub fn enterprise_columns(name: &str) -> (String, String, String) {
    let initials = chosung(name);
    let mut all = grams(name);
    all.extend(grams(&initials));
    all.sort();
    all.dedup();
    (normalize(name), initials, all.join(" "))
}

/// A product's columns: normalised name, its initials, the text ordinary queries search
/// (name, description, enterprise name) and the n-grams the PostgreSQL index holds.
pub fn product_columns(
    name: &str,
    description: &str,
    enterprise_name: &str,
) -> (String, String, String, String) {
    let initials = chosung(name);
    let text = normalize(&format!("{name} {description} {enterprise_name}"));
    let mut all = grams(&text);
    all.extend(grams(&initials));
    all.sort();
    all.dedup();
    (normalize(name), initials, text, all.join(" "))
}

/// After an enterprise is renamed to `enterprise_name`: its products' search text includes it.
pub(crate) fn refresh_products_of_enterprise(
    conn: &mut DbConn,
    enterprise_id: i64,
    enterprise_name: &str,
) -> DomainResult<()> {
    let rows: Vec<(i64, String, String)> = p::table
        .filter(p::enterprise_id.eq(enterprise_id))
        .select((p::id, p::name, p::description))
        .load(conn)?;
    for (id, name, description) in rows {
        let (search_name, search_chosung, search_text, search_grams) =
            product_columns(&name, &description, enterprise_name);
        diesel::update(p::table.find(id))
            .set((
                p::search_name.eq(search_name),
                p::search_chosung.eq(search_chosung),
                p::search_text.eq(search_text),
                p::search_grams.eq(search_grams),
            ))
            .execute(conn)?;
    }
    Ok(())
}
