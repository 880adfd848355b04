//! The catalogue on DynamoDB: the `CATALOGUE`/`CURRENT` item with its version, and staff's
//! changes as items of the `CATALOGUE_CHANGES` partition, sorted by the version each made. A
//! change writes both in one transaction, conditional on the version its author read. A change's
//! item also lists the days of the seats kept for the citizens it displaced (`priority_days`, as
//! a closure's item does).

use async_trait::async_trait;
use chrono::Utc;
use prenota_core::Catalogue;

use super::items::{optional_number, optional_text, text};
use super::keys::{Item, catalogue_key, key, n, s};
use super::transact::{is_cancelled, tx_put, tx_update};
use super::{DynamoStore, sdk_unavailable};
use crate::catalogue_changes::{joined_displaced, joined_offices};
use crate::stored::stored_change;
use crate::{
    CatalogueChange, CatalogueSave, CatalogueStore, StoreError, StoreResult, StoredCatalogue, imported_hash,
    millis,
};

const CHANGES_PK: &str = "CATALOGUE_CHANGES";

/// Sorted by version: zero-padded, so that text order is number order.
fn change_sk(version: u64) -> String {
    format!("{version:012}")
}

fn as_number(version: u64) -> i64 {
    i64::try_from(version).unwrap_or(i64::MAX)
}

fn change_item(change: &CatalogueChange, version: u64) -> Item {
    let mut item = key(CHANGES_PK.into(), &change_sk(version));
    item.insert("id".into(), s(&change.id));
    item.insert("version".into(), n(as_number(version)));
    item.insert("at".into(), n(millis(change.at)));
    item.insert("by".into(), s(&change.by));
    item.insert("offices".into(), s(joined_offices(change)));
    item.insert("kind".into(), s(&change.kind));
    item.insert("edit".into(), s(&change.edit));
    item.insert("inverse".into(), s(&change.inverse));
    item.insert("displaced".into(), s(joined_displaced(change)));
    if let Some(reason) = &change.reason {
        item.insert("reason_it".into(), s(&reason.it));
        item.insert("reason_en".into(), s(&reason.en));
    }
    if let Some(undoes) = &change.undoes {
        item.insert("undoes".into(), s(undoes));
    }
    item
}

impl DynamoStore {
    /// The history's item of change `id`, if there is one: the partition read newest first, page
    /// after page, until it is found (the newest when its seats are kept for the displaced
    /// citizens, a recent one when one of them chooses another time).
    pub(super) async fn saved_change_item(&self, id: &str) -> StoreResult<Option<Item>> {
        let query = self
            .query()
            .key_condition_expression("pk = :pk")
            .filter_expression("#id = :id")
            .expression_attribute_names("#id", "id")
            .expression_attribute_values(":pk", s(CHANGES_PK))
            .expression_attribute_values(":id", s(id))
            .scan_index_forward(false)
            .consistent_read(true);
        let mut start_key = None;
        loop {
            let page = query.clone().set_exclusive_start_key(start_key);
            let output = self.send(page).await.map_err(sdk_unavailable)?;
            if let Some(item) = output.items.unwrap_or_default().into_iter().next() {
                return Ok(Some(item));
            }
            start_key = output.last_evaluated_key;
            if start_key.is_none() {
                return Ok(None);
            }
        }
    }

    /// Saves `save` over its expected version: the catalogue and its history's entry in one
    /// transaction. Saving the same change again (a retry) writes the same; another version:
    /// [`StoreError::CatalogueChanged`].
    pub(super) async fn save_change(&self, save: &CatalogueSave) -> StoreResult<()> {
        let change = &save.change;
        let version = save.expected_version + 1;
        // An item imported before versions were kept is version 1.
        let condition = if save.expected_version == 1 {
            "version = :expected OR #change = :id OR attribute_not_exists(version)"
        } else {
            "version = :expected OR #change = :id"
        };
        let catalogue = tx_update(
            self.update(
                catalogue_key(),
                "SET json = :json, version = :version, updated_at = :at, #change = :id",
            )
            .condition_expression(condition)
            .expression_attribute_names("#change", "change")
            .expression_attribute_values(":json", s(save.catalogue.to_json()))
            .expression_attribute_values(":version", n(as_number(version)))
            .expression_attribute_values(":expected", n(as_number(save.expected_version)))
            .expression_attribute_values(":at", n(millis(change.at)))
            .expression_attribute_values(":id", s(&change.id)),
        )?;
        let history = tx_put(self.put(change_item(change, version)))?;
        let request = self
            .client
            .transact_write_items()
            .transact_items(catalogue)
            .transact_items(history);
        match self.send(request).await {
            Ok(_) => Ok(()),
            Err(error) if is_cancelled(&error) => {
                self.usage.record_refused();
                Err(StoreError::CatalogueChanged)
            }
            Err(error) => Err(sdk_unavailable(error)),
        }
    }
}

#[async_trait]
impl CatalogueStore for DynamoStore {
    async fn put_catalogue(&self, catalogue: &Catalogue) -> StoreResult<()> {
        let request = self
            .client
            .update_item()
            .table_name(self.table_name())
            .set_key(Some(catalogue_key()))
            .update_expression(
                "SET json = :json, updated_at = :at, imported = :imported ADD version :one REMOVE #change",
            )
            .expression_attribute_names("#change", "change")
            .expression_attribute_values(":json", s(catalogue.to_json()))
            .expression_attribute_values(":at", n(millis(Utc::now())))
            .expression_attribute_values(":imported", s(imported_hash(catalogue)))
            .expression_attribute_values(":one", n(1));
        self.send(request).await.map_err(sdk_unavailable)?;
        Ok(())
    }

    async fn stored_catalogue(&self) -> StoreResult<Option<StoredCatalogue>> {
        let Some(item) = self.get(catalogue_key()).await? else {
            return Ok(None);
        };
        let catalogue = Catalogue::from_json("dynamodb catalogue", text(&item, "json")?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let version = optional_number(&item, "version")?.unwrap_or(1);
        Ok(Some(StoredCatalogue {
            catalogue,
            version: u64::try_from(version).map_err(|_| StoreError::Corrupt(format!("version {version}")))?,
            imported: optional_text(&item, "imported").map(str::to_owned),
        }))
    }

    async fn catalogue_changes(&self, limit: usize) -> StoreResult<Vec<CatalogueChange>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        // Newest first: the partition read backwards, one page of `limit` items.
        let query = self
            .query()
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(CHANGES_PK))
            .scan_index_forward(false)
            .consistent_read(true)
            .limit(i32::try_from(limit).unwrap_or(i32::MAX));
        let output = self.send(query).await.map_err(sdk_unavailable)?;
        output.items().iter().map(stored_change).collect()
    }
}
