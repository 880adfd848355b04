//! Service search: case- and accent-insensitive, synonyms, words in any order, ranked.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::catalogue::{Catalogue, Service};

/// Short words a citizen types that carry no meaning of their own ("carta *di* identità").
const STOP_WORDS: &[&str] = &[
    "a", "al", "alla", "d", "da", "dei", "del", "della", "delle", "di", "e", "il", "in", "l", "la", "le",
    "lo", "per", "un", "una", "an", "and", "for", "of", "the", "to",
];

/// Lowercase words without accents: "Carta d'Identità" → ["carta", "d", "identita"].
pub fn words(text: &str) -> Vec<String> {
    let folded: String = text
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    folded.split_whitespace().map(str::to_owned).collect()
}

// How much a query word is worth by where it matches; a prefix counts a little less.
const NAME_WORD: u32 = 10;
const SYNONYM_WORD: u32 = 6;
const SUMMARY_WORD: u32 = 2;
const PHRASE_IN_NAME: u32 = 15;

struct Haystack {
    name: Vec<String>,
    synonyms: Vec<String>,
    summary: Vec<String>,
    name_text: String,
}

impl Haystack {
    fn of(service: &Service) -> Self {
        let mut name = words(&service.name.it);
        name.extend(words(&service.name.en));
        name.extend(words(service.id.as_str()));
        let synonyms = service.synonyms.iter().flat_map(|s| words(s)).collect();
        let mut summary = words(&service.summary.it);
        summary.extend(words(&service.summary.en));
        let name_text = format!(" {} ", words(&service.name.it).join(" "));
        Self {
            name,
            synonyms,
            summary,
            name_text,
        }
    }

    fn word_score(&self, query_word: &str) -> u32 {
        let best = |list: &[String], weight: u32| {
            list.iter()
                .map(|word| {
                    if word == query_word {
                        weight
                    } else if query_word.len() >= 2 && word.starts_with(query_word) {
                        weight - 1
                    } else {
                        0
                    }
                })
                .max()
                .unwrap_or(0)
        };
        best(&self.name, NAME_WORD)
            .max(best(&self.synonyms, SYNONYM_WORD))
            .max(best(&self.summary, SUMMARY_WORD))
    }
}

/// The services matching `query`, best first; an empty query lists every service in catalogue
/// order. Every meaningful query word must match a word (or the start of one) of the service's
/// names, synonyms or summary.
pub fn search<'a>(catalogue: &'a Catalogue, query: &str) -> Vec<&'a Service> {
    let query_words = words(query);
    let meaningful: Vec<&String> = query_words
        .iter()
        .filter(|word| !STOP_WORDS.contains(&word.as_str()))
        .collect();
    if meaningful.is_empty() {
        return catalogue.services().iter().collect();
    }
    let phrase = format!(" {} ", query_words.join(" "));
    let mut ranked: Vec<(u32, usize, &Service)> = catalogue
        .services()
        .iter()
        .enumerate()
        .filter_map(|(position, service)| {
            let haystack = Haystack::of(service);
            let mut total = 0;
            for word in &meaningful {
                let score = haystack.word_score(word);
                if score == 0 {
                    return None;
                }
                total += score;
            }
            if haystack.name_text.contains(&phrase) {
                total += PHRASE_IN_NAME;
            }
            Some((total, position, service))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.into_iter().map(|(_, _, service)| service).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_and_punctuation() {
        assert_eq!(
            words("Carta d'Identità — ELETTRONICA"),
            ["carta", "d", "identita", "elettronica"]
        );
        assert_eq!(words("  "), Vec::<String>::new());
    }
}
