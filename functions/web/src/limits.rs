//! Per-client limits on the public writes and the costly reads, so that one client cannot hold
//! the calendar (OWASP OAT-021, denial of inventory), flood a contact with messages or keep the
//! server busy; a family that books three people, goes back and tries again never notices.
//!
//! A client is its address as the server sees it — an IPv6 address by its /64, since one
//! subscriber holds a whole /64 — or, behind a proxy listed in `PRENOTA_TRUSTED_PROXIES`, the
//! address that proxy saw (`X-Forwarded-For`, read from the right). Each kind of request has a
//! token bucket per client (`governor`, GCRA); holds are also capped by how many a client has
//! running at once. Over a limit: 429 `too_many_requests` with `Retry-After`.
//!
//! The limits live in the process: they are the one-machine server's. On AWS each Lambda instance
//! would only see its own share of a client's requests, so there they are off and the WAF's
//! rate-based rules on CloudFront do the same job (see infra/README.md).

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use http::HeaderMap;
use ipnet::IpNet;
use prenota_core::TokenHash;

use crate::problem::Problem;
use crate::routes::Endpoint;

/// The address a request came from, as the front (axum, API Gateway) saw it: put in the
/// request's extensions for [`crate::handle`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// Whom a limit counts: an IPv4 address, or the /64 of an IPv6 one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Client(IpAddr);

impl Client {
    pub fn of(address: IpAddr) -> Self {
        match address {
            IpAddr::V4(v4) => Self(IpAddr::V4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self(IpAddr::V4(v4)),
                None => {
                    let segments = v6.segments();
                    let prefix = [segments[0], segments[1], segments[2], segments[3], 0, 0, 0, 0];
                    Self(IpAddr::V6(prefix.into()))
                }
            },
        }
    }
}

/// What kind of request a limit counts. Reading the catalogue and the OpenAPI document costs
/// nothing and is not limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Offices with their first free slot, a day's slots, the pages behind the links.
    Reads,
    Holds,
    /// Details and going back: the steps after a hold.
    Steps,
    /// Confirming, cancelling and moving through the links.
    Links,
    MyBookings,
    Feedback,
    /// Signing in and choosing a password: guesses, from one address, across e-mails (each
    /// e-mail has its own lock besides).
    SignIn,
    /// The open data: a month counted from the store on each request (a CDN keeps it in front
    /// on AWS).
    OpenData,
}

impl Kind {
    pub fn of(endpoint: Endpoint) -> Option<Self> {
        use Endpoint::*;
        match endpoint {
            Services | OpenApi | CancelRedirect => None,
            Offices | Slots | ConfirmPage | BookingPage | Calendar | MovePage | WaitingPage | HoldView => {
                Some(Self::Reads)
            }
            Hold => Some(Self::Holds),
            Challenge => Some(Self::Reads),
            Release | Details => Some(Self::Steps),
            Confirm | Cancel | Move | MoveBooking | Reconfirm | ConfirmWaiting | LeaveWaiting => {
                Some(Self::Links)
            }
            // A place on the waiting list sends a message to the contact, as "my bookings" does.
            MyBookings | JoinWaitingList => Some(Self::MyBookings),
            Feedback => Some(Self::Feedback),
            SignIn | SetPassword => Some(Self::SignIn),
            // Staff routes need a session; the display and the key are cheap and public (a
            // hundred screens poll the display), and the events are one stream per screen.
            StaffConfig | SignOut | StaffMe | Agenda | AuditLog | CheckinKey | CheckIn | CallNext
            | Recall | PutBack | Outcome | WalkIn | Closures | ClosurePreview | Close | Reopen
            | Catalogue | CataloguePreview | CatalogueChange | CatalogueChanges | CatalogueUndo | Display
            | DisplayEvents | Statistics | StatisticsCsv | OpenDataCatalog => None,
            OpenDataCsv | OpenDataJson => Some(Self::OpenData),
        }
    }

    /// Requests per window and the window: the bucket holds that many, and fills again over the
    /// window. A citizen reads a few days and offices a minute, holds a few seats, gives details
    /// once per person; a script does that hundreds of times.
    fn allowance(self) -> (u32, Duration) {
        let minutes = |m: u64| Duration::from_secs(60 * m);
        match self {
            Self::Reads => (300, minutes(5)),
            Self::Holds => (20, minutes(10)),
            Self::Steps => (30, minutes(10)),
            Self::Links => (20, minutes(10)),
            Self::MyBookings => (10, minutes(10)),
            Self::Feedback => (10, minutes(10)),
            Self::SignIn => (20, minutes(10)),
            Self::OpenData => (30, minutes(10)),
        }
    }

    const ALL: [Self; 8] = [
        Self::Reads,
        Self::Holds,
        Self::Steps,
        Self::Links,
        Self::MyBookings,
        Self::Feedback,
        Self::SignIn,
        Self::OpenData,
    ];
}

/// Who made a request, for the handlers that keep count of what a client has running.
pub struct Caller<'a> {
    pub limits: &'a Limits,
    pub client: Option<Client>,
}

/// Holds a client may have running (held, details not yet given) at once.
pub const MAX_ACTIVE_HOLDS: usize = 5;

/// How the limits are set: `PRENOTA_LIMITS` (`on`, the default, or `off` for load tests and
/// benchmarks from one address) and `PRENOTA_TRUSTED_PROXIES` (addresses or networks, comma
/// separated, whose `X-Forwarded-For` is believed; none by default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitSettings {
    pub enabled: bool,
    pub trusted_proxies: Vec<IpNet>,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            trusted_proxies: Vec::new(),
        }
    }
}

impl LimitSettings {
    /// From the variables `lookup` gives (`None` when unset); errors name the variable.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let enabled = match lookup("PRENOTA_LIMITS").as_deref().map(str::trim) {
            None | Some("on") => true,
            Some("off") => false,
            Some(other) => return Err(format!("PRENOTA_LIMITS={other:?} must be on or off")),
        };
        let trusted_proxies = lookup("PRENOTA_TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                IpNet::from_str(item)
                    .or_else(|_| IpAddr::from_str(item).map(IpNet::from))
                    .map_err(|_| {
                        format!(
                            "PRENOTA_TRUSTED_PROXIES: {item:?} is not an address or a network (like 10.0.0.1 or 10.0.0.0/8)"
                        )
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            enabled,
            trusted_proxies,
        })
    }
}

/// The limits of one server process.
pub struct Limits {
    settings: LimitSettings,
    buckets: HashMap<Kind, DefaultKeyedRateLimiter<Client>>,
    clock: DefaultClock,
    active: Mutex<ActiveHolds>,
}

/// Holds by client, with when each runs out.
#[derive(Default)]
struct ActiveHolds {
    by_client: HashMap<Client, Vec<(TokenHash, DateTime<Utc>)>>,
    /// Holds tracked in all.
    tracked: usize,
    /// Past this many tracked holds the ones that ran out are forgotten; then it doubles what
    /// is left, so that pruning stays rare however many holds run at once.
    prune_above: usize,
}

impl ActiveHolds {
    fn running(&mut self, client: Client, now: DateTime<Utc>) -> usize {
        let Some(holds) = self.by_client.get_mut(&client) else {
            return 0;
        };
        let before = holds.len();
        holds.retain(|(_, expires_at)| *expires_at > now);
        let count = holds.len();
        self.tracked -= before - count;
        if count == 0 {
            self.by_client.remove(&client);
        }
        count
    }

    /// Forgets every hold that has run out: the map holds only what can still count.
    fn prune(&mut self, now: DateTime<Utc>) {
        let clients: Vec<Client> = self.by_client.keys().copied().collect();
        for client in clients {
            self.running(client, now);
        }
    }
}

/// Tracked holds below which none is forgotten before its client asks again.
const PRUNE_ABOVE: usize = 10_000;

impl Limits {
    pub fn new(settings: LimitSettings) -> Self {
        // Off, no bucket is made: `off()` costs nothing to make for each request.
        let kinds = if settings.enabled { &Kind::ALL[..] } else { &[] };
        let buckets = kinds
            .iter()
            .copied()
            .map(|kind| {
                let (count, window) = kind.allowance();
                let burst = NonZeroU32::new(count).unwrap_or(NonZeroU32::MIN);
                let quota = Quota::with_period(window / count.max(1))
                    .unwrap_or_else(|| Quota::per_second(burst))
                    .allow_burst(burst);
                (kind, DefaultKeyedRateLimiter::keyed(quota))
            })
            .collect();
        Self {
            settings,
            buckets,
            clock: DefaultClock::default(),
            active: Mutex::new(ActiveHolds::default()),
        }
    }

    /// No limits: the Lambdas (the WAF limits there), tools and tests that drive the app. Cheap.
    pub fn off() -> Self {
        Self::new(LimitSettings {
            enabled: false,
            trusted_proxies: Vec::new(),
        })
    }

    pub fn enabled(&self) -> bool {
        self.settings.enabled
    }

    /// The client of a request from `peer`: the peer itself, or, when the peer is a trusted
    /// proxy, the first address from the right of `X-Forwarded-For` that is not one. `None` when
    /// the limits are off or the front gave no address.
    pub fn client(&self, headers: &HeaderMap, peer: Option<IpAddr>) -> Option<Client> {
        if !self.settings.enabled {
            return None;
        }
        let mut address = peer?;
        if self.trusted(address) {
            let forwarded = headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|value| value.to_str().ok())
                .flat_map(|value| value.split(','))
                .map(str::trim)
                .collect::<Vec<_>>();
            for hop in forwarded.iter().rev() {
                let Ok(hop) = IpAddr::from_str(hop) else {
                    // A hop that is no address: what lies beyond it cannot be believed.
                    break;
                };
                address = hop;
                if !self.trusted(hop) {
                    break;
                }
            }
        }
        Some(Client::of(address))
    }

    fn trusted(&self, address: IpAddr) -> bool {
        self.settings
            .trusted_proxies
            .iter()
            .any(|network| network.contains(&address))
    }

    /// Counts one request of `kind` from `client`; over the limit, the problem to answer with.
    pub fn admit(&self, client: Option<Client>, kind: Option<Kind>) -> Result<(), Problem> {
        let (Some(client), Some(kind)) = (client, kind) else {
            return Ok(());
        };
        let Some(bucket) = self.buckets.get(&kind) else {
            return Ok(());
        };
        match bucket.check_key(&client) {
            Ok(()) => Ok(()),
            Err(not_until) => Err(Problem::too_many_requests(
                not_until.wait_time_from(self.clock.now()),
            )),
        }
    }

    /// Before a hold: refused when the client already has [`MAX_ACTIVE_HOLDS`] running. The
    /// wait is until the first of them runs out.
    pub fn may_hold(&self, client: Option<Client>, now: DateTime<Utc>) -> Result<(), Problem> {
        let Some(client) = client else {
            return Ok(());
        };
        let mut active = self.active();
        if active.running(client, now) < MAX_ACTIVE_HOLDS {
            return Ok(());
        }
        let first_end = active
            .by_client
            .get(&client)
            .and_then(|holds| holds.iter().map(|(_, expires_at)| *expires_at).min())
            .unwrap_or(now);
        let wait = (first_end - now).to_std().unwrap_or_default();
        Err(Problem::too_many_requests(wait))
    }

    /// A hold was taken for `client`, running until `expires_at`.
    pub fn held(
        &self,
        client: Option<Client>,
        hold: TokenHash,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) {
        let Some(client) = client else {
            return;
        };
        let mut active = self.active();
        if active.tracked > active.prune_above.max(PRUNE_ABOVE) {
            active.prune(now);
            active.prune_above = 2 * active.tracked;
        }
        active
            .by_client
            .entry(client)
            .or_default()
            .push((hold, expires_at));
        active.tracked += 1;
    }

    /// A hold of `client` ended (released, or its details given): it no longer counts. Asked
    /// from another address (a phone that changed network), the hold counts until it runs out.
    pub fn ended(&self, client: Option<Client>, hold: &TokenHash) {
        let Some(client) = client else {
            return;
        };
        let mut active = self.active();
        let Some(holds) = active.by_client.get_mut(&client) else {
            return;
        };
        let before = holds.len();
        holds.retain(|(other, _)| other != hold);
        let ended = before - holds.len();
        active.tracked -= ended;
    }

    fn active(&self) -> std::sync::MutexGuard<'_, ActiveHolds> {
        self.active
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Forgets the buckets of clients that have been quiet long enough to be full again, so that
    /// memory follows the clients of the last minutes, not of the server's whole life.
    pub fn forget_quiet_clients(&self) {
        for bucket in self.buckets.values() {
            bucket.retain_recent();
            bucket.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use chrono::TimeZone;
    use http::HeaderValue;

    use super::*;

    fn settings(trusted: &str) -> LimitSettings {
        LimitSettings::from_lookup(|name| match name {
            "PRENOTA_TRUSTED_PROXIES" => Some(trusted.to_owned()),
            _ => None,
        })
        .unwrap()
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 4, 9, 0, 0).unwrap()
    }

    fn hold(n: u8) -> TokenHash {
        TokenHash::from_hex(&format!("{n:02x}").repeat(32)).unwrap()
    }

    #[test]
    fn an_ipv6_client_is_its_64_and_a_mapped_ipv4_its_address() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(Client::of(a), Client::of(b));
        assert_ne!(Client::of(a), Client::of(c));
        let mapped = IpAddr::V6(Ipv4Addr::new(192, 0, 2, 7).to_ipv6_mapped());
        assert_eq!(
            Client::of(mapped),
            Client::of(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 7)))
        );
    }

    #[test]
    fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
        let limits = Limits::new(settings("10.0.0.0/8, 192.0.2.1"));
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("198.51.100.7, 203.0.113.9, 10.1.1.1"),
        );
        let proxy: IpAddr = "192.0.2.1".parse().unwrap();
        let stranger: IpAddr = "198.51.100.200".parse().unwrap();
        let expected = Client::of("203.0.113.9".parse().unwrap());
        assert_eq!(
            limits.client(&headers, Some(proxy)),
            Some(expected),
            "the first untrusted hop from the right"
        );
        assert_eq!(
            limits.client(&headers, Some(stranger)),
            Some(Client::of(stranger)),
            "a client cannot choose its address"
        );
        headers.insert("x-forwarded-for", HeaderValue::from_static("nonsense"));
        assert_eq!(limits.client(&headers, Some(proxy)), Some(Client::of(proxy)));
        assert_eq!(Limits::off().client(&headers, Some(stranger)), None);
        assert!(
            LimitSettings::from_lookup(
                |name| (name == "PRENOTA_TRUSTED_PROXIES").then(|| "10.0.0.0/99".to_owned())
            )
            .is_err()
        );
        assert!(
            LimitSettings::from_lookup(|name| (name == "PRENOTA_LIMITS").then(|| "maybe".to_owned()))
                .is_err()
        );
        assert!(
            !LimitSettings::from_lookup(|name| (name == "PRENOTA_LIMITS").then(|| "off".to_owned()))
                .unwrap()
                .enabled
        );
    }

    #[test]
    fn a_bucket_lets_its_burst_through_then_says_when_to_come_back() {
        let limits = Limits::new(LimitSettings::default());
        let client = Some(Client::of(IpAddr::V6(Ipv6Addr::LOCALHOST)));
        let other = Some(Client::of(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        for _ in 0..20 {
            limits.admit(client, Some(Kind::Holds)).unwrap();
        }
        let refused = limits.admit(client, Some(Kind::Holds)).unwrap_err();
        let wait = refused.retry_after.unwrap();
        assert!(
            wait > Duration::from_secs(1) && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
        limits.admit(other, Some(Kind::Holds)).unwrap();
        limits.admit(client, Some(Kind::Steps)).unwrap();
        limits.admit(client, None).unwrap();
        limits.admit(None, Some(Kind::Holds)).unwrap();
    }

    #[test]
    fn at_most_five_holds_run_at_once_and_an_ended_one_frees_its_place() {
        let limits = Limits::new(LimitSettings::default());
        let client = Some(Client::of(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1))));
        let expires = now() + chrono::Duration::minutes(20);
        for n in 0..5 {
            limits.may_hold(client, now()).unwrap();
            limits.held(
                client,
                hold(n),
                expires + chrono::Duration::seconds(n.into()),
                now(),
            );
        }
        let refused = limits.may_hold(client, now()).unwrap_err();
        assert_eq!(refused.retry_after, Some(Duration::from_secs(20 * 60)));
        limits.ended(client, &hold(3));
        limits.may_hold(client, now()).unwrap();
        limits.held(client, hold(9), expires, now());
        assert!(limits.may_hold(client, now()).is_err());
        // Once they run out, they no longer count.
        limits
            .may_hold(client, expires + chrono::Duration::minutes(1))
            .unwrap();
    }
}
