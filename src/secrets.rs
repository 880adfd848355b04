//! The installation's two secrets on one machine: generated at first start into `PRENOTA_DATA`
//! (mode 0600), read at every later start. Never logged.

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context as _, bail};
use prenota_core::checkin::CheckinKey;
use prenota_core::contact::HmacKey;

fn read_or_create(
    path: &Path,
    generate: impl FnOnce() -> anyhow::Result<[u8; 32]>,
) -> anyhow::Result<[u8; 32]> {
    match std::fs::read(path) {
        Ok(bytes) => match <[u8; 32]>::try_from(bytes.as_slice()) {
            Ok(key) => Ok(key),
            Err(_) => bail!(
                "{} must hold exactly 32 bytes; it holds {}",
                path.display(),
                bytes.len()
            ),
        },
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let key = generate()?;
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options
                .open(path)
                .with_context(|| format!("cannot create {}", path.display()))?;
            file.write_all(&key)
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(key)
        }
        Err(error) => Err(error).with_context(|| format!("cannot read {}", path.display())),
    }
}

pub fn load(data: &Path) -> anyhow::Result<prenota_usecases::Secrets> {
    let hmac = read_or_create(&data.join("hmac.key"), || {
        Ok(HmacKey::generate()
            .context("the OS random source failed")?
            .to_bytes())
    })?;
    let checkin = read_or_create(&data.join("checkin.key"), || {
        Ok(CheckinKey::generate()
            .context("the OS random source failed")?
            .to_bytes())
    })?;
    Ok(prenota_usecases::Secrets {
        hmac: HmacKey::from_bytes(hmac),
        checkin: CheckinKey::from_bytes(checkin),
    })
}
