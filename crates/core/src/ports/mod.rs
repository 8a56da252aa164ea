//! The ports the service is given: storage, time and randomness. Traits only (and the
//! trivial system and test adapters of time).

pub mod clock;
pub mod compute;
pub mod delivery;
pub mod rng;
pub mod store;
pub mod triggers;

pub use clock::{Clock, ManualClock, SystemClock};
pub use rng::Rng;
pub use store::{ClientRecord, PoolRecord, Store, StoreError};
pub use store::{CodeRecord, OutboxMessage, UserRecord};
