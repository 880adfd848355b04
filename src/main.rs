//! Prenota on one machine. Until the web server lands (next issue), `cargo run` loads the catalogue
//! into the SQLite store under `PRENOTA_DATA` and prints what a citizen could book right now.

use std::path::PathBuf;

use anyhow::Context as _;
use prenota_core::calendar::local;
use prenota_core::catalogue::Lang;
use prenota_core::{Catalogue, Clock, SystemClock};
use prenota_store::sqlite::SqliteStore;
use prenota_store::{Availability, CatalogueStore};

fn setting(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let data = PathBuf::from(setting("PRENOTA_DATA", "./data"));
    let catalogue_path = PathBuf::from(setting("PRENOTA_CATALOGUE", "infra/catalogue/bergamo.toml"));

    let text = std::fs::read_to_string(&catalogue_path)
        .with_context(|| format!("PRENOTA_CATALOGUE: cannot read {}", catalogue_path.display()))?;
    let catalogue = Catalogue::from_toml(&catalogue_path.display().to_string(), &text)?;

    std::fs::create_dir_all(&data)
        .with_context(|| format!("PRENOTA_DATA: cannot create {}", data.display()))?;
    let store = SqliteStore::open(&data.join("prenota.sqlite3"))?;
    store.put_catalogue(&catalogue).await?;

    let now = SystemClock.now();
    println!(
        "{}: {} offices, {} services, {} offerings loaded into {}",
        catalogue.city_name,
        catalogue.offices().len(),
        catalogue.services().len(),
        catalogue.offerings().len(),
        data.join("prenota.sqlite3").display()
    );
    for offering in catalogue.offerings() {
        let (Some(office), Some(service)) = (
            catalogue.office(&offering.key.office),
            catalogue.service(&offering.key.service),
        ) else {
            continue;
        };
        let today = local(now).date();
        let first = store.first_free_slot(&catalogue, offering, today, now).await?;
        let first = first.map_or_else(
            || "no free slot".to_owned(),
            |free| {
                format!(
                    "first free slot {} {}-{}",
                    free.slot.date,
                    free.slot.start.format("%H:%M"),
                    free.slot.end.format("%H:%M")
                )
            },
        );
        println!("  {} · {}: {first}", office.name, service.name.get(Lang::It));
    }
    Ok(())
}
