//! Repeated wrong passwords lock a user's sign-in for a while, as the service does: five
//! failures are free; after them every further attempt within the lock is refused with
//! `NotAuthorizedException` "Password attempts exceeded", the lock lasting one second after the
//! fifth failure and doubling with each further one, up to fifteen minutes. A proven password
//! clears the count. Failures are counted in the store, so every instance sees them.

use cognate_model::ErrorCode;

use crate::users::User;
use crate::{Error, Services};

/// The event recorded for a wrong password.
const ACTION: &str = "password-failure";
/// Failures that do not lock.
pub const FREE_FAILURES: u32 = 5;
/// The first lock.
pub const FIRST_LOCK_MILLIS: i64 = 1_000;
/// The longest lock.
pub const MAX_LOCK_MILLIS: i64 = 15 * 60_000;
/// Failures older than this are forgotten.
pub const MEMORY_MILLIS: i64 = 2 * MAX_LOCK_MILLIS;

/// How long `failures` failures lock sign-in after the last of them.
pub fn lock_millis(failures: u32) -> i64 {
    if failures < FREE_FAILURES {
        return 0;
    }
    let doublings = (failures - FREE_FAILURES).min(20);
    (FIRST_LOCK_MILLIS << doublings).min(MAX_LOCK_MILLIS)
}

/// The user's recent failures. Refuses with "Password attempts exceeded" while they lock
/// sign-in; otherwise returns their number (to clear them after a proven password).
pub async fn check(svc: &Services, pool_id: &str, user: &User) -> Result<u32, Error> {
    let now = svc.clock.now_millis();
    let (failures, last) =
        svc.store.recent_events(pool_id, &user.record.username_key, ACTION, now - MEMORY_MILLIS).await?;
    if let Some(last) = last {
        if now < last + lock_millis(failures) {
            return Err(Error::service(ErrorCode::NotAuthorizedException, "Password attempts exceeded"));
        }
    }
    Ok(failures)
}

/// Counts a wrong password.
pub async fn failed(svc: &Services, pool_id: &str, user: &User) -> Result<(), Error> {
    let now = svc.clock.now_millis();
    svc.store.record_event(pool_id, &user.record.username_key, ACTION, now, now - MEMORY_MILLIS, u32::MAX).await?;
    Ok(())
}

/// Clears the count after a proven password (only when there was one: no write otherwise).
pub async fn succeeded(svc: &Services, pool_id: &str, user: &User, failures: u32) -> Result<(), Error> {
    if failures > 0 {
        svc.store.clear_events(pool_id, &user.record.username_key, ACTION).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_are_free_then_the_lock_doubles_up_to_fifteen_minutes() {
        assert_eq!(lock_millis(4), 0);
        assert_eq!(lock_millis(5), 1_000);
        assert_eq!(lock_millis(6), 2_000);
        assert_eq!(lock_millis(10), 32_000);
        assert_eq!(lock_millis(15), 900_000);
        assert_eq!(lock_millis(1000), 900_000);
    }
}
