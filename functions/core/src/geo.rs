//! Distances between the citizen and the offices.

/// Mean Earth radius (IUGG), metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum PositionError {
    #[error("latitude must be a number between -90 and 90")]
    Latitude,
    #[error("longitude must be a number between -180 and 180")]
    Longitude,
}

/// A checked position on Earth.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    lat: f64,
    lon: f64,
}

impl Position {
    pub fn new(lat: f64, lon: f64) -> Result<Self, PositionError> {
        if !(-90.0..=90.0).contains(&lat) {
            return Err(PositionError::Latitude);
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err(PositionError::Longitude);
        }
        Ok(Self { lat, lon })
    }

    /// Great-circle distance in whole metres (haversine): what "450 m" on the office list means.
    pub fn distance_m(&self, other: &Position) -> u32 {
        let (lat1, lat2) = (self.lat.to_radians(), other.lat.to_radians());
        let dlat = lat2 - lat1;
        let dlon = (other.lon - self.lon).to_radians();
        let a = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
        let metres = 2.0 * EARTH_RADIUS_M * a.sqrt().min(1.0).asin();
        metres.round() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_in_bergamo() {
        // Porta Nuova to Piazza Vecchia: about 1.3 km.
        let porta_nuova = Position::new(45.6942, 9.6700).unwrap();
        let piazza_vecchia = Position::new(45.7037, 9.6624).unwrap();
        let d = porta_nuova.distance_m(&piazza_vecchia);
        assert!((1150..=1300).contains(&d), "{d}");
        assert_eq!(porta_nuova.distance_m(&porta_nuova), 0);
    }

    #[test]
    fn bad_positions_are_refused() {
        assert_eq!(Position::new(91.0, 0.0), Err(PositionError::Latitude));
        assert_eq!(Position::new(f64::NAN, 0.0), Err(PositionError::Latitude));
        assert_eq!(Position::new(0.0, -180.5), Err(PositionError::Longitude));
    }
}
