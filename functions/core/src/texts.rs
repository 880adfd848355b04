//! Words in Italian and English, side by side, so a translation is reviewed on one line: the one
//! way every crate holds what citizens read.
//!
//! [`texts!`](crate::texts!) declares a table: a struct with one `&'static str` field per text, its
//! Italian and English values, and a function that gives the table of a
//! [`Lang`](crate::catalogue::Lang). A text that carries values names them in braces, `{deadline}`,
//! and [`fill`] puts them in:
//!
//! ```
//! use prenota_core::catalogue::Lang;
//! use prenota_core::texts::fill;
//!
//! prenota_core::texts! {
//!     /// What the example says.
//!     pub struct Words;
//!     /// The words of `lang`.
//!     pub fn words;
//!
//!     // Comments and doc comments may go before any text.
//!     greeting: "Buongiorno,", "Hello,";
//!     deadline: "Conferma entro le {time}.", "Confirm by {time}.";
//! }
//!
//! assert_eq!(words(Lang::En).greeting, "Hello,");
//! assert_eq!(fill(words(Lang::It).deadline, &[("time", "10:45")]), "Conferma entro le 10:45.");
//! ```
//!
//! A crate may declare several tables (one for its pages, one for its messages), each with its own
//! struct and function names. Texts are plain: whoever writes them into HTML escapes them.

/// Declares a table of texts in Italian and English.
///
/// ```text
/// texts! {
///     /// Doc comment of the struct.
///     pub(crate) struct Texts;    // the struct's visibility and name
///     /// Doc comment of the function.
///     pub(crate) fn texts;        // the function that picks a language's table
///     key: "italiano", "English"; // one line a text, in the order Italian, English
///     …
/// }
/// ```
///
/// It generates:
/// - `struct Texts { pub key: &'static str, … }`;
/// - `Texts::IT` and `Texts::EN`, the two tables as constants;
/// - `fn texts(lang: Lang) -> &'static Texts`;
/// - with `cfg(test)`, `Texts::ALL: &[(&str, &str, &str)]`, every text as `(key, italian,
///   english)`, for the tests that check the translations (see [`problems`](crate::texts::problems)).
#[macro_export]
macro_rules! texts {
    (
        $(#[$struct_meta:meta])*
        $vis:vis struct $name:ident;
        $(#[$fn_meta:meta])*
        $fn_vis:vis fn $accessor:ident;
        $($(#[$key_meta:meta])* $key:ident: $it:literal, $en:literal;)+
    ) => {
        $(#[$struct_meta])*
        $vis struct $name {
            $($(#[$key_meta])* pub $key: &'static str,)+
        }

        impl $name {
            /// The Italian texts.
            pub const IT: Self = Self { $($key: $it,)+ };
            /// The English texts.
            pub const EN: Self = Self { $($key: $en,)+ };
            /// Every text as `(key, italian, english)`, for the tests that check the translations.
            #[cfg(test)]
            pub const ALL: &'static [(&'static str, &'static str, &'static str)] =
                &[$((stringify!($key), $it, $en),)+];
        }

        $(#[$fn_meta])*
        $fn_vis fn $accessor(lang: $crate::catalogue::Lang) -> &'static $name {
            match lang {
                $crate::catalogue::Lang::It => &$name::IT,
                $crate::catalogue::Lang::En => &$name::EN,
            }
        }
    };
}

/// `template` with each `{name}` replaced by the value paired with `name` in `values`.
///
/// Values are put in as they are and never read again, so a value holding `{name}` stays as it is.
/// A placeholder without a value is left in the text, and a value without a placeholder is ignored:
/// neither panics (the translation tests catch them, see [`problems`]). A name is ASCII letters,
/// digits and `_`; any other brace is plain text.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let extra: usize = values.iter().map(|(_, value)| value.len()).sum();
    let mut out = String::with_capacity(template.len() + extra);
    let mut rest = template;
    while let Some((start, name, end)) = next_placeholder(rest) {
        out.push_str(&rest[..start]);
        match values.iter().find(|(key, _)| *key == name) {
            Some((_, value)) => out.push_str(value),
            None => out.push_str(&rest[start..end]),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The names of the placeholders of `template`, in order, repeats included.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some((_, name, end)) = next_placeholder(rest) {
        names.push(name);
        rest = &rest[end..];
    }
    names
}

/// The first `{name}` of `text`: where it starts, the name, and where it ends (after the `}`).
fn next_placeholder(text: &str) -> Option<(usize, &str, usize)> {
    let mut from = 0;
    while let Some(open) = text[from..].find('{').map(|at| from + at) {
        let after = &text[open + 1..];
        let length = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if length > 0 && after[length..].starts_with('}') {
            return Some((open, &after[..length], open + 1 + length + 1));
        }
        from = open + 1;
    }
    None
}

/// What is wrong in a table of texts (`ALL` of a [`texts!`](crate::texts!) table): an empty text,
/// or an Italian and an English text that do not name the same placeholders. Empty when all is well.
pub fn problems(all: &[(&str, &str, &str)]) -> Vec<String> {
    let mut found = Vec::new();
    for (key, it, en) in all {
        if it.trim().is_empty() || en.trim().is_empty() {
            found.push(format!("{key}: a text is empty"));
        }
        let (mut in_it, mut in_en) = (placeholders(it), placeholders(en));
        in_it.sort_unstable();
        in_it.dedup();
        in_en.sort_unstable();
        in_en.dedup();
        if in_it != in_en {
            found.push(format!(
                "{key}: the Italian names {in_it:?}, the English {in_en:?}"
            ));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Lang;

    crate::texts! {
        /// A table for the tests.
        struct Sample;
        /// The sample of `lang`.
        fn sample;

        // A comment.
        hello: "Ciao", "Hello";
        /// A documented text.
        deadline: "Entro le {time} di {day}.", "By {time} on {day}.";
    }

    crate::texts! {
        pub(crate) struct Other;
        pub(crate) fn other;
        hello: "Salve", "Hi";
    }

    #[test]
    fn a_table_gives_each_language_its_texts() {
        assert_eq!(sample(Lang::It).hello, "Ciao");
        assert_eq!(sample(Lang::En).deadline, "By {time} on {day}.");
        assert_eq!(Sample::IT.hello, "Ciao");
        assert_eq!(other(Lang::En).hello, "Hi");
        assert_eq!(
            Sample::ALL,
            [
                ("hello", "Ciao", "Hello"),
                ("deadline", "Entro le {time} di {day}.", "By {time} on {day}.")
            ]
        );
        assert_eq!(problems(Sample::ALL), Vec::<String>::new());
        assert_eq!(problems(Other::ALL), Vec::<String>::new());
    }

    #[test]
    fn fill_puts_several_values_in() {
        let text = fill(
            sample(Lang::It).deadline,
            &[("day", "giovedì 26 novembre"), ("time", "10:45")],
        );
        assert_eq!(text, "Entro le 10:45 di giovedì 26 novembre.");
        assert_eq!(fill("{a}{a}-{b}", &[("a", "x"), ("b", "")]), "xx-");
        assert_eq!(fill("", &[("a", "x")]), "");
    }

    #[test]
    fn a_value_is_never_filled_again() {
        let text = fill("{a} and {b}", &[("a", "{b}"), ("b", "{a}")]);
        assert_eq!(text, "{b} and {a}");
        assert_eq!(fill("{a}", &[("a", "{a}")]), "{a}");
    }

    #[test]
    fn what_is_not_a_filled_placeholder_stays_as_it_is() {
        // A placeholder without a value, a value without a placeholder.
        assert_eq!(fill("by {time}", &[]), "by {time}");
        assert_eq!(fill("by {time}", &[("day", "x")]), "by {time}");
        // Braces that do not make a placeholder.
        for text in [
            "{}",
            "{",
            "}",
            "{ time }",
            "{time",
            "a {b-c} d",
            "{{x}}",
            "{é}",
            "€{",
        ] {
            assert_eq!(fill(text, &[("time", "T"), ("b", "B")]), text, "{text:?}");
        }
        assert_eq!(fill("{{x}}", &[("x", "X")]), "{X}");
        assert_eq!(fill("{ {x}", &[("x", "X")]), "{ X");
        assert_eq!(fill("è{x}è", &[("x", "ù")]), "èùè");
    }

    #[test]
    fn placeholders_are_listed_and_checked() {
        assert_eq!(placeholders("{a} {b} {a} {} {c"), ["a", "b", "a"]);
        let all = [
            ("fine", "{a} e {b}", "{b} and {a}"),
            ("empty", "", "x"),
            ("mismatch", "{a}", "{b}"),
        ];
        assert_eq!(
            problems(&all),
            [
                "empty: a text is empty",
                "mismatch: the Italian names [\"a\"], the English [\"b\"]"
            ]
        );
    }
}
