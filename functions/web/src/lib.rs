//! Prenota's HTTP layer, the same for every Lambda and for the one-machine server: the route
//! table, request parsing into domain types, problem+json errors, the JSON API and the pages
//! behind the links in messages.

pub mod api;
pub mod app;
pub mod links;
pub mod pages;
pub mod problem;
pub mod render;
pub mod routes;

pub use app::{App, Secrets, Settings};

/// The OpenAPI 3.1 description of every route (checked against the route table by a test).
pub const OPENAPI: &str = include_str!("../openapi.json");
