//! What the one binary does besides serving (`prenota` with no argument):
//!
//! - `prenota catalogue import --table NAME FILE`: checks a city's catalogue (the same checks as
//!   at start-up) and loads it into the deployed DynamoDB table, where the Lambdas read it. AWS
//!   credentials, region and endpoint come from the usual AWS variables and profiles.
//! - `prenota catalogue export [--table NAME]`: the catalogue in use as a catalogue file (TOML), with
//!   the closures staff saved in the browser and did not undo, from this machine's data folder
//!   (`PRENOTA_DATA`) or from the deployed table: the file stays the import and export format.
//! - `prenota routes`: the route table as JSON, which the infrastructure checks compare with the
//!   SAM and CDK templates.
//! - `prenota staff add|list|disable …`: the staff accounts (`crate::staff`).

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use prenota_core::Catalogue;
use prenota_store::dynamodb::DynamoStore;
use prenota_store::{CatalogueStore, ClosureStore};

pub const USAGE: &str =
    "usage: prenota                                      serve (settings: PRENOTA_* variables)
       prenota catalogue import --table NAME FILE   load FILE (TOML) into the DynamoDB table NAME
       prenota catalogue export [--table NAME]      print the catalogue in use with staff's closures
                                                    (TOML), from PRENOTA_DATA or the table NAME
       prenota routes                               print the route table as JSON
       prenota staff add EMAIL --role ROLE [--office ID]... [--password-stdin]
                                                    add a staff account (ROLE: operator, manager,
                                                    admin); without a password, print a link to
                                                    choose it (valid 24 hours)
       prenota staff list                           the staff accounts
       prenota staff disable EMAIL                  disable an account and end its sessions";

#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Serve,
    ImportCatalogue {
        table: String,
        file: PathBuf,
    },
    /// `None`: this machine's store.
    ExportCatalogue {
        table: Option<String>,
    },
    Routes,
    Staff(crate::staff::StaffCommand),
}

impl Command {
    /// The command of the arguments after the program's name.
    pub fn parse(args: &[String]) -> anyhow::Result<Self> {
        let words: Vec<&str> = args.iter().map(String::as_str).collect();
        Ok(match words.as_slice() {
            [] => Self::Serve,
            ["routes"] => Self::Routes,
            ["catalogue", "import", "--table", table, file]
            | ["catalogue", "import", file, "--table", table] => Self::ImportCatalogue {
                table: (*table).to_owned(),
                file: PathBuf::from(file),
            },
            ["catalogue", "export"] => Self::ExportCatalogue { table: None },
            ["catalogue", "export", "--table", table] => Self::ExportCatalogue {
                table: Some((*table).to_owned()),
            },
            ["staff", rest @ ..] => match crate::staff::StaffCommand::parse(rest) {
                Some(command) => Self::Staff(command),
                None => bail!("unknown staff command {:?}\n{USAGE}", rest.join(" ")),
            },
            ["help" | "--help" | "-h"] => bail!("{USAGE}"),
            _ => bail!("unknown command {:?}\n{USAGE}", words.join(" ")),
        })
    }
}

pub fn print_routes() -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(prenota_web::routes::ROUTES)?);
    Ok(())
}

pub async fn import_catalogue(table: &str, file: &std::path::Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let catalogue = Catalogue::from_toml(&file.display().to_string(), &text)?;
    let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&config), table);
    store
        .put_catalogue(&catalogue)
        .await
        .with_context(|| format!("cannot write the catalogue to DynamoDB table {table}"))?;
    println!(
        "{}: {} offices, {} services, {} offerings loaded into DynamoDB table {table}",
        file.display(),
        catalogue.offices().len(),
        catalogue.services().len(),
        catalogue.offerings().len(),
    );
    Ok(())
}

/// `prenota catalogue export`: the stored catalogue with the closures in force, as TOML.
pub async fn export_catalogue(table: Option<&str>) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    let (catalogue, closures) = match table {
        Some(table) => {
            let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
            let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&config), table);
            let catalogue = store
                .catalogue()
                .await
                .with_context(|| format!("cannot read the catalogue of DynamoDB table {table}"))?;
            (catalogue, store.closures(now).await?)
        }
        None => {
            let settings = crate::settings::Settings::from_environment()?;
            let path = settings.data.join("prenota.sqlite3");
            if !path.is_file() {
                bail!(
                    "PRENOTA_DATA: {} has no prenota.sqlite3: nothing was ever served from it",
                    settings.data.display()
                );
            }
            let store = prenota_store::sqlite::SqliteStore::open(&path)?;
            (store.catalogue().await?, store.closures(now).await?)
        }
    };
    let catalogue = catalogue.context("no catalogue is stored: import one first")?;
    let in_force = prenota_usecases::closures::in_force(closures);
    print!(
        "{}",
        catalogue.to_toml_with(in_force.iter().map(|staff| (&staff.closure, &staff.reason)))
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> anyhow::Result<Command> {
        Command::parse(&line.split_whitespace().map(str::to_owned).collect::<Vec<_>>())
    }

    #[test]
    fn commands_are_read_from_the_arguments() {
        assert_eq!(parse("").unwrap(), Command::Serve);
        assert_eq!(parse("routes").unwrap(), Command::Routes);
        let import = Command::ImportCatalogue {
            table: "prenota".to_owned(),
            file: PathBuf::from("bergamo.toml"),
        };
        assert_eq!(
            parse("catalogue import --table prenota bergamo.toml").unwrap(),
            import
        );
        assert_eq!(
            parse("catalogue import bergamo.toml --table prenota").unwrap(),
            import
        );
        assert_eq!(
            parse("catalogue export").unwrap(),
            Command::ExportCatalogue { table: None }
        );
        assert_eq!(
            parse("catalogue export --table prenota").unwrap(),
            Command::ExportCatalogue {
                table: Some("prenota".to_owned())
            }
        );
        for bad in [
            "catalogue import bergamo.toml",
            "catalogue export prenota",
            "serve now",
            "routes all",
            "--help",
        ] {
            assert!(parse(bad).unwrap_err().to_string().contains("usage:"), "{bad}");
        }
    }
}
