//! A request as every handler reads it: path parameters, query, headers, body, and the language
//! negotiated for the answer; and a JSON body read field by field, each with its own problem.

use http::Method;
use http::header::{self, HeaderMap};
use prenota_core::catalogue::Lang;
use serde_json::{Map, Value};

use crate::problem::{Code, Problem};

/// One request, parsed as far as every handler needs it.
pub struct Incoming<'a> {
    pub method: &'a Method,
    pub params: Vec<(&'static str, &'a str)>,
    pub query: Vec<(String, String)>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    /// The language negotiated from `lang` (query), then `Accept-Language`, else Italian; a JSON
    /// body's `lang` field takes precedence where a handler reads one ([`Body::lang`]).
    pub lang: Lang,
}

impl Incoming<'_> {
    pub fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(key, _)| *key == name)
            .map_or("", |(_, value)| value)
    }

    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// A form body (`application/x-www-form-urlencoded`) as its pairs.
    pub fn form(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }
}

/// The language of a request when it has no valid `lang` field: the `lang` query parameter,
/// else `Accept-Language`, else Italian.
pub fn request_lang(query: Option<&str>, headers: &HeaderMap) -> Lang {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(key, _)| key == "lang")
        .and_then(|(_, value)| Lang::parse(&value))
        .unwrap_or_else(|| accept_language(headers))
}

/// The language of `Accept-Language`: the first of it/en by preference, else Italian.
pub fn accept_language(headers: &HeaderMap) -> Lang {
    let Some(value) = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()) else {
        return Lang::It;
    };
    let mut best: Option<(f32, Lang)> = None;
    for part in value.split(',') {
        let mut pieces = part.trim().split(';');
        let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let quality = pieces
            .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()))
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or("");
        if let Some(lang) = Lang::parse(primary)
            && best.is_none_or(|(q, _)| quality > q)
        {
            best = Some((quality, lang));
        }
    }
    best.map_or(Lang::It, |(_, lang)| lang)
}

/// A JSON request body: an object whose fields are read one by one, each with its own problem.
pub struct Body {
    fields: Map<String, Value>,
    /// The body's `lang`, else the request's: the language of the answer, problems included.
    pub lang: Lang,
}

impl Body {
    /// The body of `incoming`, which must be a JSON object; its problems are in the request's
    /// language.
    pub fn parse(incoming: &Incoming<'_>) -> Result<Self, Problem> {
        let content_type = incoming
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let media = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if media != "application/json" {
            return Err(Problem::new(Code::UnsupportedMediaType));
        }
        let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(incoming.body) else {
            return Err(Problem::new(Code::MalformedJson));
        };
        let lang = match fields.get("lang") {
            None | Some(Value::Null) => incoming.lang,
            Some(Value::String(raw)) => {
                Lang::parse(raw).ok_or_else(|| Problem::new(Code::InvalidLang).field("lang"))?
            }
            Some(_) => return Err(Problem::new(Code::InvalidLang).field("lang")),
        };
        Ok(Self { fields, lang })
    }

    /// The text field `name`; missing or not a string is `code`.
    pub fn text(&self, name: &'static str, code: Code) -> Result<&str, Problem> {
        match self.fields.get(name) {
            Some(Value::String(value)) => Ok(value),
            _ => Err(Problem::new(code).field(name)),
        }
    }

    /// The text field `name` when given (null counts as not given).
    pub fn optional_text(&self, name: &'static str, code: Code) -> Result<Option<&str>, Problem> {
        match self.fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(value)) => Ok(Some(value)),
            Some(_) => Err(Problem::new(code).field(name)),
        }
    }

    /// The text field `name` parsed by `parse`; missing, not a string or refused by `parse` is
    /// `code`, naming the field.
    pub fn parsed<T, E>(
        &self,
        name: &'static str,
        code: Code,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, Problem> {
        parse(self.text(name, code)?).map_err(|_| Problem::new(code).field(name))
    }

    /// [`Body::parsed`] for a field that may be left out (or null).
    pub fn optional_parsed<T, E>(
        &self,
        name: &'static str,
        code: Code,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, Problem> {
        self.optional_text(name, code)?
            .map(|raw| parse(raw).map_err(|_| Problem::new(code).field(name)))
            .transpose()
    }

    pub fn optional_integer(&self, name: &'static str, code: Code) -> Result<Option<i64>, Problem> {
        match self.fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => value
                .as_i64()
                .map(Some)
                .ok_or_else(|| Problem::new(code).field(name)),
        }
    }

    /// The field `name` as it was sent, whatever its type (null counts as not given).
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.fields.get(name).filter(|value| !value.is_null())
    }

    /// The array field `name` when given (null counts as not given).
    pub fn optional_array(&self, name: &'static str, code: Code) -> Result<Option<&[Value]>, Problem> {
        match self.fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(_) => Err(Problem::new(code).field(name)),
        }
    }

    /// The boolean field `name` when given (null counts as not given).
    pub fn optional_bool(&self, name: &'static str, code: Code) -> Result<Option<bool>, Problem> {
        match self.fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(value)) => Ok(Some(*value)),
            Some(_) => Err(Problem::new(code).field(name)),
        }
    }

    /// `accept_terms` must be `true`.
    pub fn accepted_terms(&self) -> Result<(), Problem> {
        match self.fields.get("accept_terms") {
            Some(Value::Bool(true)) => Ok(()),
            _ => Err(Problem::new(Code::TermsNotAccepted).field("accept_terms")),
        }
    }
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    #[test]
    fn the_query_lang_wins_when_valid() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("de, en-GB;q=0.8, it;q=0.5"),
        );
        assert_eq!(request_lang(None, &headers), Lang::En);
        assert_eq!(request_lang(Some("a=1&lang=it"), &headers), Lang::It);
        assert_eq!(request_lang(Some("lang=xx"), &headers), Lang::En);
        assert_eq!(request_lang(None, &HeaderMap::new()), Lang::It);
    }

    #[test]
    fn accept_language_prefers_the_best_known_language() {
        let mut headers = HeaderMap::new();
        assert_eq!(accept_language(&headers), Lang::It);
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("de-DE, en-GB;q=0.8, it;q=0.5"),
        );
        assert_eq!(accept_language(&headers), Lang::En);
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("fr, it-IT;q=0.9, en;q=0.8"),
        );
        assert_eq!(accept_language(&headers), Lang::It);
        headers.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static(";;;q=x,,"));
        assert_eq!(accept_language(&headers), Lang::It);
    }
}
