//! Fetching another site's calendar feed without letting its address reach inside our network
//! (server-side request forgery). A host types the address, so it is hostile input:
//!
//! - only `http` and `https`, no credentials in the address, default or explicit ports;
//! - the host name is resolved here, every address it resolves to is checked against
//!   [`is_public`], and the connection is pinned to the checked address (`reqwest`'s
//!   `resolve`), so a second DNS answer cannot swap in 127.0.0.1 (DNS rebinding);
//! - redirects are followed by hand, at most [`MAX_REDIRECTS`], each one checked again;
//! - the whole exchange has a deadline and the body a size limit, read chunk by chunk;
//! - a conditional GET (`If-None-Match`, `If-Modified-Since`) makes an unchanged feed a
//!   cheap 304.
//!
//! Tests serve feeds from 127.0.0.1, which [`AddressPolicy::PublicOnly`] refuses; they fetch
//! with [`AddressPolicy::AllowLoopback`], which only a test or a development server sets.

use std::{
    net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
    time::Duration,
};

use reqwest::{StatusCode, header};
use url::Url;

/// Redirects followed before giving up.
pub const MAX_REDIRECTS: usize = 3;
/// The largest feed read (two busy years are well under 1 MiB).
pub const MAX_BYTES: usize = 2 * 1024 * 1024;
/// The deadline of one fetch, redirects included.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// Which addresses a fetch may connect to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddressPolicy {
    /// Public internet addresses only: production.
    PublicOnly,
    /// Also 127.0.0.0/8 and ::1, for tests and development that serve feeds locally.
    AllowLoopback,
}

/// Validators of the copy we have, sent so that an unchanged feed answers 304.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What a fetch brought.
#[derive(Debug, PartialEq, Eq)]
pub enum Fetched {
    /// 304: the feed is as we last read it.
    NotModified,
    /// 200: the body and its validators, for next time.
    Body {
        text: String,
        validators: Validators,
    },
}

/// Why a fetch failed, in words a host can act on.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("Use an address that starts with https:// or http://.")]
    NotHttp,
    #[error("That address points inside a private network, which Roost does not fetch.")]
    PrivateAddress,
    #[error("The site's name could not be found (DNS).")]
    UnknownHost,
    #[error("The site did not answer in time.")]
    Timeout,
    #[error("The site redirected too many times.")]
    TooManyRedirects,
    #[error("The calendar is larger than {} MiB.", MAX_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("The site answered {0}.")]
    Status(u16),
    #[error("The site could not be reached: {0}.")]
    Unreachable(String),
}

/// Checks an address as typed, before it is stored: scheme, credentials, host.
pub fn check_address(text: &str) -> Result<Url, FetchError> {
    let url = Url::parse(text.trim()).map_err(|_| FetchError::NotHttp)?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host_str().is_none()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(FetchError::NotHttp);
    }
    Ok(url)
}

/// Fetches `url` under `policy`, sending `validators`.
pub async fn fetch(
    url: &Url,
    validators: &Validators,
    policy: AddressPolicy,
) -> Result<Fetched, FetchError> {
    match tokio::time::timeout(DEADLINE, fetch_following(url.clone(), validators, policy)).await {
        Ok(result) => result,
        Err(_) => Err(FetchError::Timeout),
    }
}

async fn fetch_following(
    mut url: Url,
    validators: &Validators,
    policy: AddressPolicy,
) -> Result<Fetched, FetchError> {
    for _ in 0..=MAX_REDIRECTS {
        let url_now = check_address(url.as_str())?;
        let address = resolve_checked(&url_now, policy).await?;
        let client = pinned_client(&url_now, address)?;
        let mut request = client
            .get(url_now.clone())
            .header(header::ACCEPT, "text/calendar, text/plain;q=0.5, */*;q=0.1");
        if let Some(etag) = &validators.etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(modified) = &validators.last_modified {
            request = request.header(header::IF_MODIFIED_SINCE, modified);
        }
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
            let location = response
                .headers()
                .get(header::LOCATION)
                .and_then(|value| value.to_str().ok())
                .ok_or(FetchError::Status(status.as_u16()))?;
            url = url_now.join(location).map_err(|_| FetchError::NotHttp)?;
            continue;
        }
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(FetchError::Status(status.as_u16()));
        }
        let header_text = |name: header::HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        };
        let validators = Validators {
            etag: header_text(header::ETAG),
            last_modified: header_text(header::LAST_MODIFIED),
        };
        let text = read_limited(response).await?;
        return Ok(Fetched::Body { text, validators });
    }
    Err(FetchError::TooManyRedirects)
}

/// The address to connect to: every address the host resolves to must be allowed (an attacker
/// who controls a name can list a public address beside a private one).
async fn resolve_checked(url: &Url, policy: AddressPolicy) -> Result<SocketAddr, FetchError> {
    let host = url.host_str().ok_or(FetchError::NotHttp)?;
    let port = url.port_or_known_default().ok_or(FetchError::NotHttp)?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|_| FetchError::UnknownHost)?
        .collect();
    let first = *addresses.first().ok_or(FetchError::UnknownHost)?;
    if addresses
        .iter()
        .all(|address| allowed(address.ip(), policy))
    {
        Ok(first)
    } else {
        Err(FetchError::PrivateAddress)
    }
}

/// A client that connects to `address` for the URL's host, follows no redirect by itself and
/// sends no cookies.
fn pinned_client(url: &Url, address: SocketAddr) -> Result<reqwest::Client, FetchError> {
    let host = url.host_str().ok_or(FetchError::NotHttp)?;
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve(host, address)
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!(
            "Roost/",
            env!("CARGO_PKG_VERSION"),
            " calendar sync"
        ))
        .build()
        .map_err(transport)
}

/// The body, refused once it passes [`MAX_BYTES`] (the declared length is checked first).
async fn read_limited(mut response: reqwest::Response) -> Result<String, FetchError> {
    if response
        .content_length()
        .is_some_and(|length| length > MAX_BYTES as u64)
    {
        return Err(FetchError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        if body.len() + chunk.len() > MAX_BYTES {
            return Err(FetchError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

fn transport(error: reqwest::Error) -> FetchError {
    if error.is_timeout() {
        FetchError::Timeout
    } else {
        FetchError::Unreachable(error.without_url().to_string())
    }
}

/// Whether `ip` may be connected to under `policy`.
pub fn allowed(ip: IpAddr, policy: AddressPolicy) -> bool {
    is_public(ip) || (policy == AddressPolicy::AllowLoopback && ip.is_loopback())
}

/// Whether `ip` is an ordinary internet address: not loopback, private, link-local, shared
/// (carrier-grade NAT), documentation, benchmarking, multicast, reserved or unspecified, in
/// either family (an IPv4 address inside IPv6 is judged as IPv4).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // 100.64.0.0/10, shared address space
        || (a == 192 && b == 0 && c == 0) // 192.0.0.0/24, protocol assignments
        || (a == 198 && (18..20).contains(&b)) // 198.18.0.0/15, benchmarking
        || a >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // fc00::/7, unique local
        || (first & 0xffc0) == 0xfe80 // fe80::/10, link local
        || (first == 0x2001 && ip.segments()[1] == 0x0db8) // documentation
        || (first == 0x0064 && ip.segments()[1] == 0xff9b)) // NAT64, which can reach IPv4 inside
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ordinary_internet_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "198.18.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
        ] {
            let ip: IpAddr = private.parse().expect("an address");
            assert!(!is_public(ip), "{private}");
        }
        for public in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            let ip: IpAddr = public.parse().expect("an address");
            assert!(is_public(ip), "{public}");
        }
        let loopback: IpAddr = "127.0.0.1".parse().expect("an address");
        assert!(allowed(loopback, AddressPolicy::AllowLoopback));
        assert!(!allowed(loopback, AddressPolicy::PublicOnly));
    }

    #[test]
    fn addresses_must_be_plain_http_or_https() {
        assert!(check_address("https://calendar.example.com/feed.ics").is_ok());
        for bad in [
            "ftp://example.com/feed.ics",
            "file:///etc/passwd",
            "https://user:secret@example.com/feed.ics",
            "not an address",
            "javascript:alert(1)",
        ] {
            assert_eq!(check_address(bad), Err(FetchError::NotHttp), "{bad}");
        }
    }

    #[tokio::test]
    async fn a_feed_on_a_private_address_is_refused_before_any_connection() {
        for address in [
            "http://127.0.0.1:9/feed.ics",
            "http://10.0.0.1/feed.ics",
            "http://[::1]:9/feed.ics",
            "http://localhost:9/feed.ics",
        ] {
            let url = check_address(address).expect("well formed");
            assert_eq!(
                fetch(&url, &Validators::default(), AddressPolicy::PublicOnly).await,
                Err(FetchError::PrivateAddress),
                "{address}"
            );
        }
    }
}
