//! One e-mail as a list of blocks, written once and rendered twice: as plain text and as simple
//! inline-styled HTML, in a frame (the brand on top, the footer below) that every e-mail shares.

use prenota_core::catalogue::Lang;
use prenota_core::texts::fill;

use crate::format;

prenota_core::texts! {
    /// The words of the frame of every e-mail.
    struct Frame;
    /// The frame's words in `lang`.
    fn frame;

    // Under every button.
    button_hint: "Se il pulsante non funziona, copia questo indirizzo nel browser:",
        "If the button does not work, copy this address into your browser:";

    // The footer; `{of_city}` is one of the next two, or nothing when the city is unknown.
    footer: "Messaggio automatico di {brand}, il servizio di prenotazione degli sportelli{of_city}. Non \
             rispondere a questa e-mail.",
        "Automatic message from {brand}, the booking service for the counters{of_city}. Please do not \
         reply to this e-mail.";
    of_comune: " del {city}", " of the {city}";
    of_city: " di {city}", " of {city}";
}

const BLUE: &str = "#0066cc";
const GREY: &str = "#5c6f82";

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Multi-line values (an office and its address) on separate lines in HTML.
fn escape_lines(text: &str) -> String {
    text.lines().map(escape_html).collect::<Vec<_>>().join("<br>")
}

enum Block {
    Para(String),
    Small(String),
    Heading(String),
    Button { label: String, url: String },
    Link { label: String, url: String },
    Summary(Vec<(String, String)>),
    List(Vec<String>),
    Qr { src: String, alt: String, note: String },
}

impl Block {
    fn text(&self, out: &mut String) {
        match self {
            Block::Para(text) | Block::Small(text) => out.push_str(&format!("{text}\n\n")),
            Block::Heading(text) => {
                out.push_str(&format!("{text}\n{}\n", "-".repeat(text.chars().count())));
            }
            Block::Button { label, url } | Block::Link { label, url } => {
                out.push_str(&format!("{label}:\n{url}\n\n"));
            }
            Block::Summary(rows) => {
                for (label, value) in rows {
                    out.push_str(&format!(
                        "{label}: {}\n",
                        value.lines().collect::<Vec<_>>().join(", ")
                    ));
                }
                out.push('\n');
            }
            Block::List(items) => {
                for item in items {
                    out.push_str(&format!("- {item}\n"));
                }
                out.push('\n');
            }
            Block::Qr { note, .. } => out.push_str(&format!("{note}\n\n")),
        }
    }

    /// The block in HTML; `hint` is what a button says about copying its link.
    fn html(&self, hint: &str, out: &mut String) {
        match self {
            Block::Para(text) => {
                out.push_str(&format!(
                    "<p style=\"margin:0 0 16px;\">{}</p>\n",
                    escape_lines(text)
                ));
            }
            Block::Small(text) => out.push_str(&format!(
                "<p style=\"margin:24px 0 0;font-size:14px;color:{GREY};\">{}</p>\n",
                escape_lines(text)
            )),
            Block::Heading(text) => out.push_str(&format!(
                "<h2 style=\"margin:24px 0 8px;font-size:18px;\">{}</h2>\n",
                escape_html(text)
            )),
            Block::Button { label, url } => out.push_str(&format!(
                "<p style=\"margin:24px 0 8px;\"><a href=\"{url}\" style=\"display:inline-block;\
                 background:{BLUE};color:#ffffff;text-decoration:none;font-weight:bold;padding:12px 24px;\
                 border-radius:4px;\">{label}</a></p>\n<p style=\"margin:0 0 16px;font-size:14px;\
                 color:{GREY};word-break:break-all;\">{hint} <a href=\"{url}\" style=\"color:{BLUE};\">\
                 {url}</a></p>\n",
                url = escape_html(url),
                label = escape_html(label),
                hint = escape_html(hint),
            )),
            Block::Link { label, url } => out.push_str(&format!(
                "<p style=\"margin:0 0 16px;\"><a href=\"{}\" style=\"color:{BLUE};\">{}</a></p>\n",
                escape_html(url),
                escape_html(label)
            )),
            Block::Summary(rows) => summary_html(rows, out),
            Block::List(items) => {
                out.push_str("<ul style=\"margin:0 0 16px;padding-left:24px;\">\n");
                for item in items {
                    out.push_str(&format!("<li>{}</li>\n", escape_html(item)));
                }
                out.push_str("</ul>\n");
            }
            Block::Qr { src, alt, .. } => out.push_str(&format!(
                "<p style=\"margin:16px 0;text-align:center;\"><img src=\"{}\" \
                 width=\"240\" height=\"240\" alt=\"{}\" style=\"display:inline-block;width:240px;\
                 height:240px;\"></p>\n",
                escape_html(src),
                escape_html(alt)
            )),
        }
    }
}

fn summary_html(rows: &[(String, String)], out: &mut String) {
    out.push_str(
        "<table role=\"presentation\" style=\"border-collapse:collapse;width:100%;\
         margin:0 0 16px;\">\n",
    );
    for (label, value) in rows {
        out.push_str(&format!(
            "<tr><th scope=\"row\" style=\"text-align:left;vertical-align:top;font-weight:normal;\
             color:{GREY};padding:6px 16px 6px 0;white-space:nowrap;\">{}</th><td style=\"\
             padding:6px 0;font-weight:bold;\">{}</td></tr>\n",
            escape_html(label),
            escape_lines(value)
        ));
    }
    out.push_str("</table>\n");
}

/// An e-mail's subject, plain text and HTML.
pub(crate) struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// One e-mail, written once and rendered twice: as plain text and as HTML.
pub(crate) struct Doc {
    lang: Lang,
    city: String,
    blocks: Vec<Block>,
}

impl Doc {
    /// An empty e-mail in `lang` from the booking service of `city` ("Comune di Bergamo"; empty
    /// when unknown).
    pub(crate) fn new(lang: Lang, city: &str) -> Self {
        Self {
            lang,
            city: city.trim().to_owned(),
            blocks: Vec::new(),
        }
    }

    pub(crate) fn para(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Para(text.into()));
    }

    /// A paragraph in small grey type.
    pub(crate) fn small(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Small(text.into()));
    }

    pub(crate) fn heading(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Heading(text.into()));
    }

    /// A button to `url`, with the link written out below it for when the button does not work.
    pub(crate) fn button(&mut self, label: &str, url: &str) {
        self.blocks.push(Block::Button {
            label: label.to_owned(),
            url: url.trim().to_owned(),
        });
    }

    pub(crate) fn link(&mut self, label: &str, url: &str) {
        self.blocks.push(Block::Link {
            label: label.to_owned(),
            url: url.trim().to_owned(),
        });
    }

    /// A table of `(label, value)` rows; a value may have several lines.
    pub(crate) fn summary(&mut self, rows: Vec<(String, String)>) {
        self.blocks.push(Block::Summary(rows));
    }

    pub(crate) fn list(&mut self, items: Vec<String>) {
        self.blocks.push(Block::List(items));
    }

    /// `heading` and the list of `items`, unless there are none.
    pub(crate) fn list_section(&mut self, heading: &str, items: &[String]) {
        if !items.is_empty() {
            self.heading(heading);
            self.list(items.to_vec());
        }
    }

    /// `heading` and `text` (trimmed), unless it is blank.
    pub(crate) fn text_section(&mut self, heading: &str, text: &str) {
        if !text.trim().is_empty() {
            self.heading(heading);
            self.para(text.trim());
        }
    }

    /// The QR code attached to the e-mail: the image at `src` with `alt` in the HTML, `note` in the
    /// text.
    pub(crate) fn qr(&mut self, src: &str, alt: String, note: &str) {
        self.blocks.push(Block::Qr {
            src: src.to_owned(),
            alt,
            note: note.to_owned(),
        });
    }

    fn brand(&self) -> String {
        format::brand(&self.city)
    }

    fn footer(&self) -> String {
        let words = frame(self.lang);
        let city = &self.city;
        let of_city = if city.is_empty() {
            String::new()
        } else if city.starts_with("Comune ") {
            fill(words.of_comune, &[("city", city)])
        } else {
            fill(words.of_city, &[("city", city)])
        };
        fill(words.footer, &[("brand", &self.brand()), ("of_city", &of_city)])
    }

    /// The e-mail with `subject` after the brand.
    pub(crate) fn render(self, subject: &str) -> Rendered {
        let subject = format!("{} – {subject}", self.brand());
        Rendered {
            text: self.text(),
            html: self.html(&subject),
            subject,
        }
    }

    fn text(&self) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            block.text(&mut out);
        }
        out.push_str(&format!("-- \n{}\n", self.footer()));
        out
    }

    fn html(&self, title: &str) -> String {
        let hint = frame(self.lang).button_hint;
        let mut body = String::new();
        for block in &self.blocks {
            block.html(hint, &mut body);
        }
        format!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n\
             </head>\n<body style=\"margin:0;padding:0;background:#f2f2f2;\">\n\
             <div style=\"max-width:600px;margin:0 auto;background:#ffffff;font-family:'Titillium Web',Arial,\
             sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;\">\n\
             <div style=\"background:{BLUE};color:#ffffff;padding:16px 24px;font-size:20px;font-weight:bold;\">\
             {brand}</div>\n<div style=\"padding:24px;\">\n{body}</div>\n\
             <div style=\"padding:16px 24px;border-top:1px solid #e6e9f2;font-size:13px;color:{GREY};\">\
             {footer}</div>\n</div>\n</body>\n</html>\n",
            lang = self.lang.as_str(),
            title = escape_html(title),
            brand = escape_html(&self.brand()),
            footer = escape_html(&self.footer()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frame_is_translated() {
        assert_eq!(prenota_core::texts::problems(Frame::ALL), Vec::<String>::new());
    }

    #[test]
    fn the_footer_names_the_city_as_it_is_called() {
        let footer = |lang, city| Doc::new(lang, city).footer();
        assert!(footer(Lang::It, "Comune di Bergamo").contains("sportelli del Comune di Bergamo."));
        assert!(footer(Lang::It, " Bergamo ").contains("sportelli di Bergamo."));
        assert!(footer(Lang::En, "Comune di Bergamo").contains("counters of the Comune di Bergamo."));
        assert!(footer(Lang::En, "Bergamo").contains("counters of Bergamo."));
        assert!(
            footer(Lang::En, "")
                .starts_with("Automatic message from Prenota, the booking service for the counters. Please")
        );
    }

    #[test]
    fn a_section_without_content_is_left_out() {
        let mut doc = Doc::new(Lang::It, "Comune di Bergamo");
        doc.list_section("Cosa portare", &[]);
        doc.text_section("Regole", " \n");
        assert!(doc.blocks.is_empty());
        doc.text_section("Regole", " Una persona. ");
        doc.list_section("Cosa portare", &["Documento".to_owned()]);
        let email = doc.render("Oggetto");
        assert!(
            email.text.starts_with(
                "Regole\n------\nUna persona.\n\nCosa portare\n------------\n- Documento\n\n-- \n"
            )
        );
        assert_eq!(email.subject, "Prenota Bergamo – Oggetto");
    }
}
