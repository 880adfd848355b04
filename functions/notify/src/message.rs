//! A message ready to send, as stored in the outbox (JSON), and its e-mail MIME form.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};
use prenota_core::contact::Channel;
use serde::{Deserialize, Serialize};

use crate::ics;

/// The `Content-ID` of the QR code's PNG; the HTML refers to it as `cid:` + this.
pub const QR_CONTENT_ID: &str = "qr@prenota";
/// The `Content-ID` of the `n`-th QR code of an e-mail (0: the first, [`QR_CONTENT_ID`]).
pub fn qr_content_id(n: usize) -> String {
    match n {
        0 => QR_CONTENT_ID.to_owned(),
        n => format!("qr-{}@prenota", n + 1),
    }
}

/// The calendar attachment's file name.
pub const ICS_FILE_NAME: &str = "prenota.ics";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "channel", rename_all = "lowercase")]
pub enum Message {
    Email(Email),
    Sms(Sms),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The QR code, shown inline in the HTML through [`QR_CONTENT_ID`]; base64 in JSON.
    #[serde(default, with = "base64_bytes", skip_serializing_if = "Option::is_none")]
    pub qr_png: Option<Vec<u8>>,
    /// The QR codes of a household's other people, in order: the `n`-th shown inline through
    /// [`qr_content_id`]`(n + 1)`; base64 in JSON.
    #[serde(default, with = "base64_list", skip_serializing_if = "Vec::is_empty")]
    pub more_qr_pngs: Vec<Vec<u8>>,
    /// The `.ics` attached as [`ICS_FILE_NAME`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ics: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sms {
    /// E.164, e.g. `+393331234567`.
    pub to: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    #[error("{0:?} is not a valid e-mail address")]
    Address(String),
    #[error("the e-mail could not be built: {0}")]
    Build(String),
    #[error("{0:?} cannot make a Message-ID (letters, digits, - and _ only)")]
    MessageId(String),
}

impl Message {
    /// The normalised address: an e-mail address or an E.164 number.
    pub fn recipient(&self) -> &str {
        match self {
            Self::Email(email) => &email.to,
            Self::Sms(sms) => &sms.to,
        }
    }

    pub fn channel(&self) -> Channel {
        match self {
            Self::Email(_) => Channel::Email,
            Self::Sms(_) => Channel::Sms,
        }
    }
}

impl Email {
    /// RFC 5322 bytes, ready for SMTP or SES "raw":
    /// `multipart/mixed { multipart/related { multipart/alternative { text, html }, QR png }, ics }`,
    /// each level left out when it would hold one part. `from` is `Name <address>` or an address.
    /// The `Message-ID` is made of `outbox_id`, so a message sent twice (a crash between sending
    /// and recording it) is one message to the citizen's mail program.
    pub fn to_mime(&self, from: &str, outbox_id: &str) -> Result<Vec<u8>, MessageError> {
        let from: Mailbox = from.parse().map_err(|_| MessageError::Address(from.to_owned()))?;
        let to: Mailbox = self
            .to
            .parse()
            .map_err(|_| MessageError::Address(self.to.clone()))?;
        if outbox_id.is_empty()
            || !outbox_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(MessageError::MessageId(outbox_id.to_owned()));
        }
        let message_id = format!("<{outbox_id}@{}>", from.email.domain());
        let build = |e: &dyn std::fmt::Display| MessageError::Build(e.to_string());

        let alternative = MultiPart::alternative_plain_html(self.text.clone(), self.html.clone());
        let images: Vec<&Vec<u8>> = self.qr_png.iter().chain(&self.more_qr_pngs).collect();
        let related = if images.is_empty() {
            alternative
        } else {
            let image = ContentType::parse("image/png").map_err(|e| build(&e))?;
            let mut related = MultiPart::related().multipart(alternative);
            for (n, png) in images.into_iter().enumerate() {
                let name = if n == 0 {
                    "qr.png".to_owned()
                } else {
                    format!("qr-{}.png", n + 1)
                };
                related = related.singlepart(
                    Attachment::new_inline_with_name(qr_content_id(n), name).body(png.clone(), image.clone()),
                );
            }
            related
        };
        let body = match &self.ics {
            Some(ics) => {
                let calendar = ContentType::parse(ics::CONTENT_TYPE).map_err(|e| build(&e))?;
                MultiPart::mixed()
                    .multipart(related)
                    .singlepart(Attachment::new(ICS_FILE_NAME.to_owned()).body(ics.clone(), calendar))
            }
            None => related,
        };
        let message = lettre::Message::builder()
            .from(from)
            .to(to)
            .subject(self.subject.clone())
            .message_id(Some(message_id))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                "auto-generated".to_owned(),
            ))
            .multipart(body)
            .map_err(|e| build(&e))?;
        Ok(message.formatted())
    }
}

mod base64_bytes {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &Option<Vec<u8>>, serializer: S) -> Result<S::Ok, S::Error> {
        match bytes {
            Some(bytes) => serializer.serialize_some(&STANDARD.encode(bytes)),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<u8>>, D::Error> {
        let text: Option<String> = Option::deserialize(deserializer)?;
        text.map(|text| STANDARD.decode(text).map_err(serde::de::Error::custom))
            .transpose()
    }
}

mod base64_list {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(list: &[Vec<u8>], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(list.iter().map(|bytes| STANDARD.encode(bytes)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Vec<u8>>, D::Error> {
        let texts: Vec<String> = Vec::deserialize(deserializer)?;
        texts
            .into_iter()
            .map(|text| STANDARD.decode(text).map_err(serde::de::Error::custom))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(qr: bool, ics: bool) -> Email {
        Email {
            to: "maria.rossi@example.it".into(),
            subject: "Prenota Bergamo – Prenotazione confermata".into(),
            text: "Buongiorno,\nla prenotazione è confermata.\n".into(),
            html: format!("<p>Buongiorno</p><img src=\"cid:{QR_CONTENT_ID}\" alt=\"QR\">"),
            qr_png: qr.then(|| crate::qr::png("PRN1.test")),
            more_qr_pngs: Vec::new(),
            ics: ics.then(|| "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n".to_owned()),
        }
    }

    fn header_block(mime: &str) -> &str {
        mime.split("\r\n\r\n").next().unwrap()
    }

    #[test]
    fn serialises_bytes_as_base64() {
        let message = Message::Email(Email {
            qr_png: Some(vec![0x89, b'P', b'N', b'G']),
            ..email(false, true)
        });
        let json = serde_json::to_string(&message).unwrap();
        assert!(json.starts_with("{\"channel\":\"email\""), "{json}");
        assert!(json.contains("\"qr_png\":\"iVBORw==\""), "{json}");
        assert_eq!(serde_json::from_str::<Message>(&json).unwrap(), message);
        let sms = Message::Sms(Sms {
            to: "+393331234567".into(),
            text: "Prenota Bergamo".into(),
        });
        let json = serde_json::to_string(&sms).unwrap();
        assert_eq!(
            json,
            r#"{"channel":"sms","to":"+393331234567","text":"Prenota Bergamo"}"#
        );
        assert_eq!(serde_json::from_str::<Message>(&json).unwrap(), sms);
        assert_eq!(sms.recipient(), "+393331234567");
        assert_eq!(sms.channel(), Channel::Sms);
        assert_eq!(message.channel(), Channel::Email);
        // No QR: the field is absent, and absent reads back as None.
        let plain = Message::Email(email(false, false));
        let json = serde_json::to_string(&plain).unwrap();
        assert!(!json.contains("qr_png"));
        assert_eq!(serde_json::from_str::<Message>(&json).unwrap(), plain);
    }

    #[test]
    fn a_household_email_carries_every_qr_code_inline() {
        let household = Email {
            more_qr_pngs: vec![crate::qr::png("PRN1.two"), crate::qr::png("PRN1.three")],
            ..email(true, false)
        };
        let json = serde_json::to_string(&Message::Email(household.clone())).unwrap();
        assert_eq!(
            serde_json::from_str::<Message>(&json).unwrap(),
            Message::Email(household.clone())
        );
        let mime = household
            .to_mime("noreply@prenota.comune.bergamo.it", "outbox-id")
            .unwrap();
        let mime = String::from_utf8(mime).unwrap();
        for id in [qr_content_id(0), qr_content_id(1), qr_content_id(2)] {
            assert!(mime.contains(&format!("Content-ID: <{id}>")), "{id}");
        }
        assert_eq!(mime.matches("Content-Type: image/png").count(), 3);
        assert_eq!(qr_content_id(1), "qr-2@prenota");
    }

    #[test]
    fn builds_the_full_mime_tree() {
        let mime = email(true, true)
            .to_mime("Prenota Bergamo <noreply@prenota.comune.bergamo.it>", "outbox-id")
            .unwrap();
        let mime = String::from_utf8(mime).unwrap();
        let headers = header_block(&mime);
        assert!(headers.contains("From: \"Prenota Bergamo\" <noreply@prenota.comune.bergamo.it>"));
        assert!(headers.contains("To: maria.rossi@example.it"));
        assert!(headers.contains("Subject: Prenota Bergamo =?utf-8?b?4oCT?= Prenotazione confermata"));
        assert!(headers.contains("Auto-Submitted: auto-generated"));
        assert!(headers.contains("MIME-Version: 1.0"));
        assert!(headers.contains("Date: "));
        let message_id = headers.lines().find(|l| l.starts_with("Message-ID: <")).unwrap();
        assert!(
            message_id.ends_with("@prenota.comune.bergamo.it>"),
            "{message_id}"
        );
        assert!(headers.contains("Content-Type: multipart/mixed;"));
        // The nesting: mixed, then related, then alternative, in this order.
        let mixed = mime.find("multipart/mixed").unwrap();
        let related = mime.find("multipart/related").unwrap();
        let alternative = mime.find("multipart/alternative").unwrap();
        let plain = mime.find("Content-Type: text/plain; charset=utf-8").unwrap();
        let html = mime.find("Content-Type: text/html; charset=utf-8").unwrap();
        let png = mime.find("Content-Type: image/png").unwrap();
        let ics = mime
            .find("Content-Type: text/calendar; charset=utf-8; method=PUBLISH")
            .unwrap();
        assert!(mixed < related && related < alternative && alternative < plain);
        assert!(plain < html && html < png && png < ics);
        assert!(mime.contains(&format!("Content-ID: <{QR_CONTENT_ID}>")));
        assert!(mime.contains("Content-Disposition: inline; filename=\"qr.png\""));
        assert!(mime.contains("Content-Disposition: attachment; filename=\"prenota.ics\""));
        assert!(mime.contains("Content-Transfer-Encoding: base64"));
        // The PNG travels as base64 ("iVBORw0KGgo" is its signature) and the HTML refers to it.
        assert!(mime.contains("iVBORw0KGgo"));
        assert!(mime.contains("cid:qr@prenota") || mime.contains("cid:qr=40prenota"));
        // Three boundaries, each opened and closed.
        let boundaries: Vec<&str> = mime
            .match_indices("boundary=\"")
            .map(|(at, _)| mime[at + 10..].split('"').next().unwrap())
            .collect();
        assert_eq!(boundaries.len(), 3);
        for boundary in boundaries {
            assert!(mime.contains(&format!("--{boundary}\r\n")));
            assert!(mime.contains(&format!("--{boundary}--")));
        }
    }

    #[test]
    fn leaves_out_empty_levels() {
        let mime = String::from_utf8(
            email(false, false)
                .to_mime("noreply@comune.bergamo.it", "outbox-id")
                .unwrap(),
        )
        .unwrap();
        assert!(header_block(&mime).contains("Content-Type: multipart/alternative;"));
        assert!(!mime.contains("multipart/related") && !mime.contains("multipart/mixed"));
        assert!(!mime.contains("image/png") && !mime.contains("text/calendar"));

        let mime = String::from_utf8(
            email(true, false)
                .to_mime("noreply@comune.bergamo.it", "outbox-id")
                .unwrap(),
        )
        .unwrap();
        assert!(header_block(&mime).contains("Content-Type: multipart/related;"));
        assert!(!mime.contains("multipart/mixed"));

        let mime = String::from_utf8(
            email(false, true)
                .to_mime("noreply@comune.bergamo.it", "outbox-id")
                .unwrap(),
        )
        .unwrap();
        assert!(header_block(&mime).contains("Content-Type: multipart/mixed;"));
        assert!(!mime.contains("multipart/related") && mime.contains("multipart/alternative"));
    }

    #[test]
    fn refuses_bad_addresses() {
        assert!(matches!(
            email(false, false).to_mime("not an address", "outbox-id"),
            Err(MessageError::Address(_))
        ));
        let bad_to = Email {
            to: "nobody".into(),
            ..email(false, false)
        };
        assert!(matches!(
            bad_to.to_mime("a@b.it", "outbox-id"),
            Err(MessageError::Address(_))
        ));
    }
}
