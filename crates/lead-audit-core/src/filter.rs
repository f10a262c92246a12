//! Pre-audit filters: which leads are skipped before any fetch. The store decides *when* a lead
//! was last audited; this module decides what that means.

use chrono::{DateTime, Utc};

use crate::Lead;

/// Why a lead is skipped before any fetch, or `None` to audit it.
pub fn prefilter(
    lead: &Lead,
    last_audited: Option<DateTime<Utc>>,
    freshness: std::time::Duration,
    now: DateTime<Utc>,
) -> Option<String> {
    if lead.website().is_none() && !lead.has_contact_data() {
        return Some("unusable: the lead has neither a website nor contact data".to_owned());
    }
    if lead.force {
        return None;
    }
    let last = last_audited?;
    let age = now.signed_duration_since(last);
    let window = chrono::Duration::from_std(freshness).unwrap_or(chrono::Duration::MAX);
    (age >= chrono::Duration::zero() && age < window).then(|| {
        format!(
            "fresh: audited {} min ago, within the {} h freshness window",
            age.num_minutes(),
            window.num_hours()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn lead() -> Lead {
        Lead::from_url("example.com")
    }

    #[test]
    fn unusable_lead_is_skipped() {
        let reason = prefilter(&Lead::default(), None, Duration::from_secs(60), Utc::now());
        assert!(reason.is_some_and(|r| r.starts_with("unusable")));
    }

    #[test]
    fn lead_with_only_a_phone_is_kept() {
        let l = Lead {
            phone: Some("+1 415 555 0132".into()),
            ..Lead::default()
        };
        assert_eq!(
            prefilter(&l, None, Duration::from_secs(60), Utc::now()),
            None
        );
    }

    #[test]
    fn fresh_lead_is_skipped_unless_forced() {
        let now = Utc::now();
        let last = now - chrono::Duration::hours(2);
        let day = Duration::from_secs(24 * 3600);
        assert!(prefilter(&lead(), Some(last), day, now).is_some_and(|r| r.starts_with("fresh")));
        let forced = Lead {
            force: true,
            ..lead()
        };
        assert_eq!(prefilter(&forced, Some(last), day, now), None);
        let stale = now - chrono::Duration::hours(25);
        assert_eq!(prefilter(&lead(), Some(stale), day, now), None);
    }
}
