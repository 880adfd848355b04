//! Catalogues for tests, written as a city writes them.
//!
//! Many tests need a small catalogue: one office, a service or two, some opening hours. Written out
//! in full in each test file, the same forty lines of TOML drifted apart and hid the one line a test
//! was about. [`TestCatalogue`] starts from the common case (the city "Comune di Prova", patron day
//! 26 August, the office `u1` at Via Roma 1) so that each test states only what it needs: its
//! services, its offerings' hours, a closure.
//!
//! The fixture writes TOML text, the file a city would write, rather than the checked types: every
//! test that uses it also reads the file format through [`Catalogue::from_toml`], and a test of the
//! catalogue's checks can break the text (see [`TestCatalogue::to_toml`]). Values are kept as the
//! file's strings, unchecked, so a test can write a wrong one on purpose.
//!
//! Compiled for this crate's tests and, with the `testing` feature, for other crates' tests and
//! benchmarks.
//!
//! ```
//! use prenota_core::testing::{TestCatalogue, TestClosure, TestOffering, TestService};
//!
//! let catalogue = TestCatalogue::new()
//!     .service(TestService::new("cie").named("CIE", "CIE"))
//!     .offering(
//!         TestOffering::new("u1", "cie")
//!             .slot_minutes(30)
//!             .desks(2)
//!             .hours("mon", ["08:30-10:00", "14:00-15:10"]),
//!     )
//!     .closure(TestClosure::on("2026-11-16").office("u1"))
//!     .build();
//! assert_eq!(catalogue.offerings()[0].desks, 2);
//! ```

use std::fmt;

use crate::catalogue::Catalogue;

const WEEKDAYS: [&str; 5] = ["mon", "tue", "wed", "thu", "fri"];

/// A catalogue file being written for a test: a city, offices, services, offerings, closures.
#[derive(Debug, Clone, PartialEq)]
#[must_use = "a test catalogue does nothing until it is written (`to_toml`) or built (`build`)"]
pub struct TestCatalogue {
    city_name: String,
    patron_day: Option<String>,
    offices: Vec<TestOffice>,
    services: Vec<TestService>,
    offerings: Vec<TestOffering>,
    closures: Vec<TestClosure>,
    raw: String,
}

impl Default for TestCatalogue {
    fn default() -> Self {
        Self {
            city_name: "Comune di Prova".into(),
            patron_day: Some("08-26".into()),
            offices: vec![TestOffice::new("u1")],
            services: Vec::new(),
            offerings: Vec::new(),
            closures: Vec::new(),
            raw: String::new(),
        }
    }
}

impl TestCatalogue {
    /// The city "Comune di Prova" (patron day "08-26") with one office, `u1` (see
    /// [`TestOffice::new`]), and nothing offered yet: add services and offerings.
    pub fn new() -> Self {
        Self::default()
    }

    /// The catalogue of the store's tests: office `u1` offering `cie` (3 desks) and `spid`
    /// (1 desk), 15-minute slots from 09:00 to 12:00, Monday to Friday.
    pub fn store_invariants() -> Self {
        Self::new()
            .service(
                TestService::new("cie")
                    .named("Carta d'identità elettronica (CIE)", "Electronic identity card")
                    .summary("Rilascio", "Issue"),
            )
            .service(
                TestService::new("spid")
                    .named("SPID", "SPID")
                    .summary("Identità digitale", "Digital identity"),
            )
            .offering(
                TestOffering::new("u1", "cie")
                    .slot_minutes(15)
                    .desks(3)
                    .weekdays(["09:00-12:00"]),
            )
            .offering(
                TestOffering::new("u1", "spid")
                    .slot_minutes(15)
                    .desks(1)
                    .weekdays(["09:00-12:00"]),
            )
    }

    /// The catalogue of the store's benchmark: many slots of capacity 1 (one service `s`, 5-minute
    /// slots from 08:00 to 18:00 on weekdays, 60 days ahead) in a city with no patron day.
    pub fn benchmark() -> Self {
        Self::new()
            .city_name("Benchmark")
            .without_patron_day()
            .offices([TestOffice::new("u1").name("Ufficio").at(45.0, 9.0)])
            .service(TestService::new("s").named("Servizio", "Service"))
            .offering(
                TestOffering::new("u1", "s")
                    .slot_minutes(5)
                    .desks(1)
                    .latest_days(60)
                    .weekdays(["08:00-18:00"]),
            )
    }

    pub fn city_name(mut self, name: impl Into<String>) -> Self {
        self.city_name = name.into();
        self
    }

    /// `"MM-DD"`, as in the file.
    pub fn patron_day(mut self, day: impl Into<String>) -> Self {
        self.patron_day = Some(day.into());
        self
    }

    pub fn without_patron_day(mut self) -> Self {
        self.patron_day = None;
        self
    }

    /// These offices instead of the default `u1`.
    pub fn offices(mut self, offices: impl IntoIterator<Item = TestOffice>) -> Self {
        self.offices = offices.into_iter().collect();
        self
    }

    /// One more office, after those already there.
    pub fn office(mut self, office: TestOffice) -> Self {
        self.offices.push(office);
        self
    }

    pub fn service(mut self, service: TestService) -> Self {
        self.services.push(service);
        self
    }

    pub fn offering(mut self, offering: TestOffering) -> Self {
        self.offerings.push(offering);
        self
    }

    pub fn closure(mut self, closure: TestClosure) -> Self {
        self.closures.push(closure);
        self
    }

    /// TOML written as it is at the end of the file, for what the fixture does not write. Start it
    /// with a table header (`[[closures]]`…), or it lands in the table written last.
    pub fn raw(mut self, toml: &str) -> Self {
        self.raw.push_str(toml);
        self
    }

    /// The catalogue file. Each value stands on a line of its own, `key = value`, so a test of the
    /// checks can break one with a string replacement (`.replace("desks = 2", "desks = 0")`).
    pub fn to_toml(&self) -> String {
        self.to_string()
    }

    /// The checked catalogue, read from [`TestCatalogue::to_toml`] as the file `test.toml`.
    ///
    /// # Panics
    /// When the catalogue is not valid, listing every problem: a test that means to write an
    /// invalid one calls [`Catalogue::from_toml`] on the text.
    #[track_caller]
    pub fn build(&self) -> Catalogue {
        match Catalogue::from_toml("test.toml", &self.to_toml()) {
            Ok(catalogue) => catalogue,
            Err(error) => panic!("{error}"),
        }
    }
}

impl fmt::Display for TestCatalogue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "[city]\nname = {}", Quoted(&self.city_name))?;
        if let Some(day) = &self.patron_day {
            writeln!(f, "patron_day = {}", Quoted(day))?;
        }
        for office in &self.offices {
            write!(f, "\n{office}")?;
        }
        for service in &self.services {
            write!(f, "\n{service}")?;
        }
        for offering in &self.offerings {
            write!(f, "\n{offering}")?;
        }
        for closure in &self.closures {
            write!(f, "\n{closure}")?;
        }
        if !self.raw.is_empty() {
            write!(f, "\n{}", self.raw)?;
        }
        Ok(())
    }
}

/// An office of a [`TestCatalogue`].
#[derive(Debug, Clone, PartialEq)]
#[must_use = "an office is written only once added to a catalogue"]
pub struct TestOffice {
    id: String,
    name: String,
    address: String,
    lat: f64,
    lon: f64,
}

impl TestOffice {
    /// The office `id`, named "Ufficio 1", at "Via Roma 1", 45.69 N 9.67 E.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            name: "Ufficio 1".into(),
            address: "Via Roma 1".into(),
            lat: 45.69,
            lon: 9.67,
        }
    }

    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    pub fn address(mut self, address: impl Into<String>) -> Self {
        self.address = address.into();
        self
    }

    pub fn at(mut self, lat: f64, lon: f64) -> Self {
        self.lat = lat;
        self.lon = lon;
        self
    }
}

impl fmt::Display for TestOffice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `{:?}` keeps the decimal point of a whole number (45.0), so TOML reads a float.
        writeln!(
            f,
            "[[offices]]\nid = {}\nname = {}\naddress = {}\nlat = {:?}\nlon = {:?}",
            Quoted(&self.id),
            Quoted(&self.name),
            Quoted(&self.address),
            self.lat,
            self.lon
        )
    }
}

/// A service of a [`TestCatalogue`].
#[derive(Debug, Clone, PartialEq)]
#[must_use = "a service is written only once added to a catalogue"]
pub struct TestService {
    id: String,
    name: (String, String),
    summary: (String, String),
    synonyms: Vec<String>,
    terms: (String, String),
    access_rules: (String, String),
    what_to_bring: (Vec<String>, Vec<String>),
    reconfirm: bool,
}

impl TestService {
    /// The service `id`, named `id` in both languages, with `x` for its summary, terms and access
    /// rules, no synonyms and nothing to bring.
    pub fn new(id: impl Into<String>) -> Self {
        let id = id.into();
        let x = || ("x".to_owned(), "x".to_owned());
        Self {
            name: (id.clone(), id.clone()),
            id,
            summary: x(),
            synonyms: Vec::new(),
            terms: x(),
            access_rules: x(),
            what_to_bring: (Vec::new(), Vec::new()),
            reconfirm: false,
        }
    }

    /// Citizens are asked to confirm they will come (reconfirm-or-release).
    pub fn reconfirm(mut self) -> Self {
        self.reconfirm = true;
        self
    }

    pub fn named(mut self, it: impl Into<String>, en: impl Into<String>) -> Self {
        self.name = (it.into(), en.into());
        self
    }

    pub fn summary(mut self, it: impl Into<String>, en: impl Into<String>) -> Self {
        self.summary = (it.into(), en.into());
        self
    }

    pub fn synonyms<S: Into<String>>(mut self, synonyms: impl IntoIterator<Item = S>) -> Self {
        self.synonyms = synonyms.into_iter().map(Into::into).collect();
        self
    }

    pub fn terms(mut self, it: impl Into<String>, en: impl Into<String>) -> Self {
        self.terms = (it.into(), en.into());
        self
    }

    pub fn access_rules(mut self, it: impl Into<String>, en: impl Into<String>) -> Self {
        self.access_rules = (it.into(), en.into());
        self
    }

    pub fn what_to_bring<S: Into<String>>(
        mut self,
        it: impl IntoIterator<Item = S>,
        en: impl IntoIterator<Item = S>,
    ) -> Self {
        self.what_to_bring = (
            it.into_iter().map(Into::into).collect(),
            en.into_iter().map(Into::into).collect(),
        );
        self
    }
}

impl fmt::Display for TestService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "[[services]]\nid = {}", Quoted(&self.id))?;
        writeln!(f, "name = {}", Localized(&self.name.0, &self.name.1))?;
        writeln!(f, "summary = {}", Localized(&self.summary.0, &self.summary.1))?;
        if !self.synonyms.is_empty() {
            writeln!(f, "synonyms = {}", List(&self.synonyms))?;
        }
        writeln!(f, "terms = {}", Localized(&self.terms.0, &self.terms.1))?;
        writeln!(
            f,
            "access_rules = {}",
            Localized(&self.access_rules.0, &self.access_rules.1)
        )?;
        writeln!(
            f,
            "what_to_bring = {{ it = {}, en = {} }}",
            List(&self.what_to_bring.0),
            List(&self.what_to_bring.1)
        )?;
        if self.reconfirm {
            writeln!(f, "reconfirm = true")?;
        }
        Ok(())
    }
}

/// What an office offers of a service, and when: an offering of a [`TestCatalogue`].
#[derive(Debug, Clone, PartialEq)]
#[must_use = "an offering is written only once added to a catalogue"]
pub struct TestOffering {
    office: String,
    service: String,
    slot_minutes: u32,
    desks: u32,
    desks_online: Option<u32>,
    earliest_working_days: Option<u32>,
    latest_days: Option<u32>,
    hours: Vec<(String, Vec<String>)>,
}

impl TestOffering {
    /// `service` at `office`: 30-minute slots, one desk, the booking window the catalogue gives
    /// when the file says nothing, and no opening hours yet (an offering never open is refused:
    /// add [`TestOffering::hours`]).
    pub fn new(office: impl Into<String>, service: impl Into<String>) -> Self {
        Self {
            office: office.into(),
            service: service.into(),
            slot_minutes: 30,
            desks: 1,
            desks_online: None,
            earliest_working_days: None,
            latest_days: None,
            hours: Vec::new(),
        }
    }

    pub fn slot_minutes(mut self, minutes: u32) -> Self {
        self.slot_minutes = minutes;
        self
    }

    pub fn desks(mut self, desks: u32) -> Self {
        self.desks = desks;
        self
    }

    /// Desks bookable online; the others only at the counter (walk-ins, phone bookings).
    pub fn desks_online(mut self, desks: u32) -> Self {
        self.desks_online = Some(desks);
        self
    }

    pub fn earliest_working_days(mut self, days: u32) -> Self {
        self.earliest_working_days = Some(days);
        self
    }

    pub fn latest_days(mut self, days: u32) -> Self {
        self.latest_days = Some(days);
        self
    }

    /// Open on `day` (`"mon"` … `"sun"`) during `ranges` (`"HH:MM-HH:MM"`), in place of that
    /// day's ranges if it had some.
    pub fn hours<S: Into<String>>(mut self, day: &str, ranges: impl IntoIterator<Item = S>) -> Self {
        let ranges: Vec<String> = ranges.into_iter().map(Into::into).collect();
        match self.hours.iter_mut().find(|(known, _)| known == day) {
            Some((_, known)) => *known = ranges,
            None => self.hours.push((day.to_owned(), ranges)),
        }
        self
    }

    /// The same `ranges` every day from Monday to Friday.
    pub fn weekdays<S: Into<String>>(mut self, ranges: impl IntoIterator<Item = S>) -> Self {
        let ranges: Vec<String> = ranges.into_iter().map(Into::into).collect();
        for day in WEEKDAYS {
            self = self.hours(day, ranges.iter().cloned());
        }
        self
    }
}

impl fmt::Display for TestOffering {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "[[offerings]]\noffice = {}\nservice = {}\nslot_minutes = {}\ndesks = {}",
            Quoted(&self.office),
            Quoted(&self.service),
            self.slot_minutes,
            self.desks
        )?;
        if let Some(desks) = self.desks_online {
            writeln!(f, "desks_online = {desks}")?;
        }
        if let Some(days) = self.earliest_working_days {
            writeln!(f, "earliest_working_days = {days}")?;
        }
        if let Some(days) = self.latest_days {
            writeln!(f, "latest_days = {days}")?;
        }
        writeln!(f, "[offerings.hours]")?;
        for (day, ranges) in &self.hours {
            writeln!(f, "{day} = {}", List(ranges))?;
        }
        Ok(())
    }
}

/// Days an office (or every office) closes, whole or for some hours: a closure of a
/// [`TestCatalogue`].
#[derive(Debug, Clone, PartialEq)]
#[must_use = "a closure is written only once added to a catalogue"]
pub struct TestClosure {
    office: Option<String>,
    from: String,
    to: Option<String>,
    hours: Option<String>,
    reason: String,
}

impl TestClosure {
    /// Every office closed all day on `from` (`"YYYY-MM-DD"`, or a date), for the reason `x`.
    pub fn on(from: impl fmt::Display) -> Self {
        Self {
            office: None,
            from: from.to_string(),
            to: None,
            hours: None,
            reason: "x".into(),
        }
    }

    /// Only this office.
    pub fn office(mut self, office: impl Into<String>) -> Self {
        self.office = Some(office.into());
        self
    }

    /// The last closed day, from the first one on.
    pub fn until(mut self, to: impl fmt::Display) -> Self {
        self.to = Some(to.to_string());
        self
    }

    /// Closed only during `range` (`"HH:MM-HH:MM"`) of each day.
    pub fn hours(mut self, range: impl Into<String>) -> Self {
        self.hours = Some(range.into());
        self
    }

    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = reason.into();
        self
    }
}

impl fmt::Display for TestClosure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "[[closures]]")?;
        if let Some(office) = &self.office {
            writeln!(f, "office = {}", Quoted(office))?;
        }
        writeln!(f, "from = {}", Quoted(&self.from))?;
        if let Some(to) = &self.to {
            writeln!(f, "to = {}", Quoted(to))?;
        }
        if let Some(hours) = &self.hours {
            writeln!(f, "hours = {}", Quoted(hours))?;
        }
        writeln!(f, "reason = {}", Quoted(&self.reason))
    }
}

/// A TOML basic string: `"…"` with quotes, backslashes and control characters escaped.
struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for c in self.0.chars() {
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                c if c.is_control() => write!(f, "\\u{:04X}", u32::from(c))?,
                c => write!(f, "{c}")?,
            }
        }
        f.write_str("\"")
    }
}

/// `{ it = "…", en = "…" }`.
struct Localized<'a>(&'a str, &'a str);

impl fmt::Display for Localized<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{ it = {}, en = {} }}", Quoted(self.0), Quoted(self.1))
    }
}

/// `["…", "…"]`.
struct List<'a>(&'a [String]);

impl fmt::Display for List<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (index, item) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}", Quoted(item))?;
        }
        f.write_str("]")
    }
}

#[cfg(test)]
mod tests;
