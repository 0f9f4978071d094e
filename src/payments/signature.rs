//! Webhook signatures in Stripe's scheme: the `Stripe-Signature` header carries a timestamp
//! and one or more `v1` signatures, each the hex HMAC-SHA256 of `{timestamp}.{raw body}` under
//! the endpoint's secret. Several `v1` values appear while a secret is being rolled; any one
//! matching is enough. Comparisons run in constant time.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// How old (or how far in the future) a signed timestamp may be, in seconds.
pub const TOLERANCE_SECS: i64 = 300;

/// Why a signature was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the Stripe-Signature header is missing")]
    Missing,
    #[error("the Stripe-Signature header is malformed")]
    Malformed,
    #[error("the signature is too old or from the future")]
    OutsideTolerance,
    #[error("no signature matches")]
    Mismatch,
}

fn mac(secret: &[u8], timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The header value signing `body` at `timestamp` (Unix seconds).
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let signature = hex::encode(mac(secret, timestamp, body).finalize().into_bytes());
    format!("t={timestamp},v1={signature}")
}

/// Checks `header` against `body`, at `now` (Unix seconds).
pub fn verify(
    secret: &[u8],
    header: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let Some((key, value)) = part.trim().split_once('=') else {
            return Err(SignatureError::Malformed);
        };
        match key {
            "t" => {
                timestamp = Some(
                    value
                        .parse::<i64>()
                        .map_err(|_| SignatureError::Malformed)?,
                )
            }
            // Not hex (or the wrong length) can never match; skip it like other schemes.
            "v1" => {
                if let Ok(bytes) = hex::decode(value) {
                    signatures.push(bytes);
                }
            }
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Mismatch);
    }
    // Checked: a timestamp near i64::MIN or MAX must not wrap around into "fresh" (release
    // builds do not trap on overflow).
    let age = now.checked_sub(timestamp).and_then(i64::checked_abs);
    if age.is_none_or(|age| age > TOLERANCE_SECS) {
        return Err(SignatureError::OutsideTolerance);
    }
    let expected = mac(secret, timestamp, body).finalize().into_bytes();
    // Check every candidate, so the time taken does not say which one matched.
    let matched = signatures
        .iter()
        .fold(subtle::Choice::from(0), |found, candidate| {
            found | candidate.as_slice().ct_eq(expected.as_slice())
        });
    if bool::from(matched) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"whsec_test";
    const BODY: &[u8] = br#"{"id":"evt_1","type":"payment_intent.succeeded"}"#;

    #[test]
    fn timestamps_at_the_ends_of_the_range_are_outside_the_tolerance() {
        let now = 1_800_000_000;
        for timestamp in [
            now - i64::MAX,
            i64::MIN,
            i64::MAX,
            now.wrapping_sub(1 << 63),
        ] {
            let header = sign(SECRET, timestamp, BODY);
            assert_eq!(
                verify(SECRET, Some(&header), BODY, now),
                Err(SignatureError::OutsideTolerance),
                "t={timestamp}"
            );
        }
    }

    #[test]
    fn a_signature_made_here_verifies() {
        let header = sign(SECRET, 1_000, BODY);
        assert_eq!(verify(SECRET, Some(&header), BODY, 1_010), Ok(()));
    }

    #[test]
    fn any_one_of_several_v1_signatures_is_enough() {
        let good = sign(SECRET, 1_000, BODY);
        let good_v1 = good.split("v1=").nth(1).unwrap();
        let header = format!("t=1000,v1={},v1={good_v1},v0=abc", "00".repeat(32));
        assert_eq!(verify(SECRET, Some(&header), BODY, 1_000), Ok(()));
    }

    #[test]
    fn tampering_age_and_wrong_secrets_are_refused() {
        let header = sign(SECRET, 1_000, BODY);
        let mut changed = BODY.to_vec();
        changed[10] ^= 1;
        assert_eq!(
            verify(SECRET, Some(&header), &changed, 1_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(SECRET, Some(&header), BODY, 1_000 + TOLERANCE_SECS + 1),
            Err(SignatureError::OutsideTolerance)
        );
        assert_eq!(
            verify(b"other", Some(&header), BODY, 1_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(SECRET, None, BODY, 1_000),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify(SECRET, Some("v1=abc"), BODY, 1_000),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify(SECRET, Some("t=1000"), BODY, 1_000),
            Err(SignatureError::Mismatch)
        );
    }
}
