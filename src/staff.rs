//! `prenota staff …`: the one machine's staff accounts, from the command line of the machine
//! (whoever can run it can read the database anyway).
//!
//! - `prenota staff add EMAIL --role operator|manager|admin [--office ID]... [--password-stdin]`:
//!   adds the account (or changes its role and offices); without `--password-stdin` it prints a
//!   one-time link, valid 24 hours, where the person chooses the password.
//! - `prenota staff list`: every account, its role, offices and state.
//! - `prenota staff disable EMAIL`: the account can no longer sign in; its sessions end at once.

use std::io::Read as _;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use prenota_core::staff::{NewPassword, Role, StaffEmail};
use prenota_core::{Catalogue, OfficeId, SystemClock};
use prenota_store::StaffAccounts;
use prenota_store::sqlite::SqliteStore;
use prenota_usecases::Context;
use prenota_usecases::staff::{self, Added};

use crate::settings::Settings;

#[derive(Debug, PartialEq, Eq)]
pub enum StaffCommand {
    Add {
        email: String,
        role: String,
        offices: Vec<String>,
        password_stdin: bool,
    },
    List,
    Disable {
        email: String,
    },
}

impl StaffCommand {
    /// The words after `staff`.
    pub fn parse(words: &[&str]) -> Option<Self> {
        match words {
            ["list"] => Some(Self::List),
            ["disable", email] => Some(Self::Disable {
                email: (*email).to_owned(),
            }),
            ["add", email, rest @ ..] => {
                let (mut role, mut offices, mut password_stdin) = (None, Vec::new(), false);
                let mut rest = rest.iter();
                while let Some(word) = rest.next() {
                    match *word {
                        "--role" => role = Some((*rest.next()?).to_owned()),
                        "--office" => offices.push((*rest.next()?).to_owned()),
                        "--password-stdin" => password_stdin = true,
                        _ => return None,
                    }
                }
                Some(Self::Add {
                    email: (*email).to_owned(),
                    role: role?,
                    offices,
                    password_stdin,
                })
            }
            _ => None,
        }
    }
}

/// The context and store the server would run with (the same data folder, catalogue and URL).
fn open(settings: &Settings) -> anyhow::Result<(Context, SqliteStore)> {
    let text = std::fs::read_to_string(&settings.catalogue)
        .with_context(|| format!("PRENOTA_CATALOGUE: cannot read {}", settings.catalogue.display()))?;
    let catalogue = Catalogue::from_toml(&settings.catalogue.display().to_string(), &text)?;
    std::fs::create_dir_all(&settings.data)
        .with_context(|| format!("PRENOTA_DATA: cannot create {}", settings.data.display()))?;
    let store = SqliteStore::open(&settings.data.join("prenota.sqlite3"))?;
    let mut web = settings.web.clone();
    if web.public_url.is_empty() {
        web.public_url = format!("http://{}", settings.addr);
    }
    let context = Context {
        catalogue: catalogue.into(),
        clock: Arc::new(SystemClock),
        settings: web,
        secrets: crate::secrets::load(&settings.data)?,
        pressure: Default::default(),
    };
    Ok((context, store))
}

pub async fn run(command: StaffCommand) -> anyhow::Result<()> {
    let settings = Settings::from_environment()?;
    let (context, store) = open(&settings)?;
    match command {
        StaffCommand::Add {
            email,
            role,
            offices,
            password_stdin,
        } => {
            let email = StaffEmail::parse(&email)
                .map_err(|_| anyhow::anyhow!("{email:?} is not an e-mail address"))?;
            let Some(role) = Role::parse(&role) else {
                bail!("--role {role:?}: the roles are operator, manager and admin");
            };
            let offices = offices
                .iter()
                .map(|id| {
                    OfficeId::parse(id).map_err(|_| anyhow::anyhow!("--office {id:?} is not an office id"))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin().read_to_string(&mut line)?;
                let line = line.trim_end_matches(['\r', '\n']);
                Some(NewPassword::parse(line).map_err(|error| anyhow::anyhow!("the password: {error}"))?)
            } else {
                None
            };
            match staff::add(&context, &store, &email, role, &offices, password.as_ref()).await? {
                Added::WithPassword => println!(
                    "{email}: {role}, can sign in at {}/sportello/",
                    context.settings.public_url
                ),
                Added::PasswordLink(link) => {
                    println!(
                        "{email}: {role}. Send this link to the person (valid 24 hours, once) to choose a password:"
                    );
                    println!("{link}");
                }
            }
        }
        StaffCommand::List => {
            for account in store.all_staff().await? {
                let offices: Vec<&str> = account.offices.iter().map(OfficeId::as_str).collect();
                let state = match (account.disabled, account.password_hash.is_some()) {
                    (true, _) => "disabled",
                    (false, true) => "active",
                    (false, false) => "no password yet",
                };
                println!(
                    "{}\t{}\t{}\t{state}",
                    account.email,
                    account.role,
                    offices.join(",")
                );
            }
        }
        StaffCommand::Disable { email } => {
            let email = StaffEmail::parse(&email)
                .map_err(|_| anyhow::anyhow!("{email:?} is not an e-mail address"))?;
            if !store.disable_staff(&email).await? {
                bail!("{email}: no such staff account");
            }
            println!("{email}: disabled; its sessions have ended");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_commands_are_read_from_the_words() {
        assert_eq!(
            StaffCommand::parse(&[
                "add", "a@b.it", "--role", "operator", "--office", "u1", "--office", "u2"
            ]),
            Some(StaffCommand::Add {
                email: "a@b.it".into(),
                role: "operator".into(),
                offices: vec!["u1".into(), "u2".into()],
                password_stdin: false,
            })
        );
        assert!(matches!(
            StaffCommand::parse(&["add", "a@b.it", "--password-stdin", "--role", "admin"]),
            Some(StaffCommand::Add {
                password_stdin: true,
                ..
            })
        ));
        assert_eq!(StaffCommand::parse(&["add", "a@b.it"]), None, "a role is needed");
        assert_eq!(StaffCommand::parse(&["add", "a@b.it", "--role"]), None);
        assert_eq!(StaffCommand::parse(&["list"]), Some(StaffCommand::List));
        assert_eq!(StaffCommand::parse(&["remove", "a@b.it"]), None);
    }
}
