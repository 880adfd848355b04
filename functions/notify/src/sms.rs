//! SMS in the GSM 03.38 7-bit alphabet: what fits, how many septets and segments a text takes, and
//! how to make names fit in one segment.
//!
//! One character outside GSM-7 switches a whole SMS to UCS-2 (70 characters a segment), so every text
//! Prenota sends is transliterated to GSM-7 and kept within [`SINGLE_SEGMENT`] septets.

use unicode_normalization::UnicodeNormalization as _;

/// Septets in an SMS of one segment.
pub const SINGLE_SEGMENT: usize = 160;
/// Septets in each segment of a concatenated SMS (the user data header takes the rest).
pub const CONCATENATED_SEGMENT: usize = 153;

/// The GSM 03.38 basic character set (one septet each), without the escape code.
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The extension table: an escape plus the character, two septets each.
const EXTENSION: &str = "\u{0C}^{}\\[~]|€";

fn is_basic(c: char) -> bool {
    if c.is_ascii() {
        // Of printable ASCII only the backtick and the extension characters are missing.
        return (c.is_ascii_graphic() || matches!(c, ' ' | '\n' | '\r'))
            && c != '`'
            && !EXTENSION.contains(c);
    }
    BASIC.contains(c)
}

/// Septets taken by one character, `None` if it is not in GSM-7.
pub fn char_septets(c: char) -> Option<usize> {
    if is_basic(c) {
        Some(1)
    } else if EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// True when every character is in the GSM-7 basic set or its extension table.
pub fn is_gsm7(text: &str) -> bool {
    text.chars().all(|c| char_septets(c).is_some())
}

/// Septets the text takes (extension characters count two), `None` if it is not GSM-7.
pub fn septets(text: &str) -> Option<usize> {
    text.chars().map(char_septets).sum()
}

/// Segments the text is sent as: one up to 160 septets, else 153 a segment (an escape and its
/// character are never split between two segments). `None` if it is not GSM-7.
pub fn segments(text: &str) -> Option<usize> {
    let total = septets(text)?;
    if total <= SINGLE_SEGMENT {
        return Some(1);
    }
    let mut count = 1;
    let mut used = 0;
    for c in text.chars() {
        let width = char_septets(c)?;
        if used + width > CONCATENATED_SEGMENT {
            count += 1;
            used = 0;
        }
        used += width;
    }
    Some(count)
}

fn replacement(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' | '\u{B4}' => "'",
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' | '\u{AB}' | '\u{BB}' => "\"",
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2212}' => "-",
        '\u{2026}' => "...",
        '\u{2022}' | '\u{B7}' => "-",
        '\u{D7}' => "x",
        '\u{153}' => "oe",
        '\u{152}' => "OE",
        '\u{142}' => "l",
        '\u{141}' => "L",
        '\u{111}' | '\u{F0}' => "d",
        '\u{110}' | '\u{D0}' => "D",
        '\u{131}' => "i",
        '\u{FE}' => "th",
        '\u{DE}' => "Th",
        '\t' => " ",
        c if c.is_whitespace() && !matches!(c, '\n' | '\r') => " ",
        _ => return None,
    })
}

/// The text in GSM-7: characters already there are kept (à è é ì ò ù included), typographic quotes,
/// dashes and ellipses become their ASCII forms, accented letters lose the accent (á → a, ç → c),
/// and whatever cannot be mapped is dropped.
pub fn to_gsm7(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if char_septets(c).is_some() {
            out.push(c);
        } else if let Some(ascii) = replacement(c) {
            out.push_str(ascii);
        } else if let Some(base) = c.nfd().next().filter(|base| base.is_ascii_alphanumeric()) {
            out.push(base);
        }
    }
    out
}

/// A name for an SMS: GSM-7, on one line, spaces collapsed.
pub fn clean_name(name: &str) -> String {
    to_gsm7(name).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `name` in at most `max` septets: whole if it fits, else cut at a character and ended with "."
/// ("Carta d'identità el."); empty when not even one character and the dot fit.
pub fn shorten(name: &str, max: usize) -> String {
    if septets(name).is_some_and(|n| n <= max) {
        return name.to_owned();
    }
    if max < 2 {
        return String::new();
    }
    let mut cut = String::new();
    let mut used = 0;
    for c in name.chars() {
        let width = char_septets(c).unwrap_or(usize::MAX / 2);
        if used + width > max - 1 {
            break;
        }
        used += width;
        cut.push(c);
    }
    // "Carta d'identità elettronica (C." reads badly: an unclosed bracket goes with what it holds.
    let cut = match cut.rfind('(') {
        Some(open) if !cut[open..].contains(')') => &cut[..open],
        _ => cut.as_str(),
    };
    let cut = cut.trim_end_matches(|c: char| c.is_whitespace() || ",.;:-–(/'\"".contains(c));
    if cut.is_empty() {
        String::new()
    } else {
        format!("{cut}.")
    }
}

/// Renders an SMS in one segment: `render` gets `names` (cleaned by [`clean_name`]) shortened as
/// little and as evenly as needed; the rest of the text (the link above all) is never touched.
/// `None` when even empty names do not fit or the text is not GSM-7.
pub fn fit_one_segment(names: &[&str], render: impl Fn(&[String]) -> String) -> Option<String> {
    let names: Vec<String> = names.iter().map(|name| clean_name(name)).collect();
    let fits = |text: &str| septets(text).is_some_and(|n| n <= SINGLE_SEGMENT);
    let text = render(&names);
    if fits(&text) {
        return Some(text);
    }
    let fixed = septets(&render(&vec![String::new(); names.len()]))?;
    let mut budget = SINGLE_SEGMENT.checked_sub(fixed)?;
    // Water-filling: short names keep their length, long ones share what is left equally.
    let lengths: Vec<usize> = names.iter().map(|name| septets(name).unwrap_or(0)).collect();
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by_key(|&index| lengths[index]);
    let mut allowed = vec![0; names.len()];
    for (position, &index) in order.iter().enumerate() {
        let share = budget / (names.len() - position);
        allowed[index] = lengths[index].min(share);
        budget -= allowed[index];
    }
    loop {
        let shortened: Vec<String> = names
            .iter()
            .zip(&allowed)
            .map(|(name, &max)| shorten(name, max))
            .collect();
        let text = render(&shortened);
        if fits(&text) {
            return Some(text);
        }
        // Only reached if `render` does not simply concatenate; shave the longest allowance.
        let (longest, _) = allowed.iter().enumerate().max_by_key(|(_, max)| **max)?;
        if allowed[longest] == 0 {
            return None;
        }
        allowed[longest] -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_septets_and_segments() {
        assert!(is_gsm7("Però è già così: perché? ù à"));
        assert!(is_gsm7("https://prenota.comune.bergamo.it/c/AbC-_123"));
        assert_eq!(septets("abc"), Some(3));
        assert_eq!(septets("a€[]"), Some(7));
        assert_eq!(septets("á"), None);
        assert!(!is_gsm7("café ☕"));
        assert!(!is_gsm7("l’ufficio"));
        assert!(!is_gsm7("`"));
        assert_eq!(segments(""), Some(1));
        assert_eq!(segments(&"a".repeat(160)), Some(1));
        assert_eq!(segments(&"a".repeat(161)), Some(2));
        assert_eq!(segments(&"a".repeat(306)), Some(2));
        assert_eq!(segments(&"a".repeat(307)), Some(3));
        assert_eq!(segments(&"€".repeat(80)), Some(1));
        assert_eq!(segments(&"€".repeat(81)), Some(2));
        // 152 septets then an escape pair: the pair moves whole to the next segment.
        assert_eq!(
            segments(&format!("{}€{}", "a".repeat(152), "a".repeat(152))),
            Some(3)
        );
        assert_eq!(segments("ç"), None);
    }

    #[test]
    fn transliterates_names() {
        assert_eq!(to_gsm7("Álvaro Núñez"), "Alvaro Nuñez");
        assert_eq!(to_gsm7("Françoise Âme Ósk Íris"), "Francoise Ame Osk Iris");
        assert_eq!(
            to_gsm7("l’ufficio “centrale” – sede…"),
            "l'ufficio \"centrale\" - sede..."
        );
        assert_eq!(to_gsm7("città è così però più"), "città è così però più");
        assert_eq!(to_gsm7("Łódź Œuvre"), "Lodz OEuvre");
        assert_eq!(to_gsm7("CIE ☕ 北京"), "CIE  ");
        assert_eq!(clean_name("  Via\u{a0}Tasso,\t28\n"), "Via Tasso, 28");
        assert!(is_gsm7(&to_gsm7("ǅ ﬁ ẞ ș ț ğ ø Ø å")));
    }

    #[test]
    fn shortens_with_a_dot() {
        assert_eq!(shorten("Ufficio 3", 20), "Ufficio 3");
        assert_eq!(shorten("Carta d'identità elettronica", 12), "Carta d'ide.");
        assert_eq!(shorten("Carta d'identità elettronica", 7), "Carta.");
        assert_eq!(shorten("Carta d'identità", 1), "");
        assert_eq!(shorten("[[[[", 5), "[[.");
        assert_eq!(
            shorten("Carta d'identità elettronica (CIE)", 32),
            "Carta d'identità elettronica."
        );
        assert_eq!(shorten("(CIE) carta", 4), "");
        assert!(septets(&shorten("€€€€€€", 6)).unwrap() <= 6);
    }

    #[test]
    fn fits_long_names_evenly_and_keeps_the_link() {
        let link = format!("https://{}/c/{}", "h".repeat(40), "A".repeat(22));
        let render = |names: &[String]| format!("Prenota: {}, {}: {link}", names[0], names[1]);
        let short = fit_one_segment(&["CIE", "Ufficio 3"], render).unwrap();
        assert_eq!(short, format!("Prenota: CIE, Ufficio 3: {link}"));
        let long = "Servizio con un nome davvero molto lungo per l'anagrafe";
        let text = fit_one_segment(&[long, long], render).unwrap();
        assert_eq!(septets(&text), Some(text.chars().count()));
        assert!(text.chars().count() <= SINGLE_SEGMENT, "{text}");
        assert!(text.ends_with(&link));
        // A short name is not cut to make room for a long one.
        let text = fit_one_segment(&["CIE", &"x".repeat(200)], render).unwrap();
        assert!(text.starts_with("Prenota: CIE, xxx"));
        assert!(text.chars().count() <= SINGLE_SEGMENT);
        assert_eq!(fit_one_segment(&["a"], |_| "x".repeat(161)), None);
    }
}
