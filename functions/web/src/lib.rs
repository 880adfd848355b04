//! Prenota's HTTP adapter, the same for every Lambda and for the one-machine server: the route
//! table, request parsing into domain types, problem+json errors, the JSON API and the pages
//! behind the links in messages. Each handler parses, calls one use case of `prenota-usecases`
//! and renders; no rule of the domain lives here.
//!
//! Modules, each using only those below it: `dispatch` → `api`, `links` → `request`, `answer`,
//! `problem`, `pages`, `routes`.

pub mod answer;
pub mod api;
pub mod dispatch;
pub mod limits;
pub mod links;
pub mod moving;
pub mod pages;
pub mod problem;
pub mod request;
pub mod routes;
pub mod staff_auth;
pub mod waiting;

pub use dispatch::{MAX_BODY_BYTES, call, handle};
pub use limits::{ClientAddr, LimitSettings, Limits};

/// The OpenAPI 3.1 description of every route (checked against the route table by a test).
pub const OPENAPI: &str = include_str!("../openapi.json");
