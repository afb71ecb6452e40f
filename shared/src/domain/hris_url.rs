//! Where the service may send a tenant's HRIS API key (contract §2). A tenant admin chooses
//! `hris.api_base_url`, so without these rules they could point the service, and the key it
//! sends, at the cloud's metadata endpoint or an internal network: the URL must be `https`,
//! carry no userinfo and not name a loopback, link-local or private address. Only the local
//! server also allows `localhost`, for stand-ins in tests. The rules hold when the URL is set and
//! again whenever it is used, and every path segment built from event data is escaped.

use std::net::{Ipv4Addr, Ipv6Addr};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use url::{Host, Url};

/// The longest `api_base_url` accepted.
pub const MAX_URL_LENGTH: usize = 2048;

/// Which HRIS API URLs a process accepts: decided by how it runs, never by a tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlPolicy {
    /// Deployed: `https` to public hosts only.
    PublicHttpsOnly,
    /// The local server: also `http` or `https` to `localhost` or `127.0.0.1`.
    AlsoLocalhost,
}

/// Why an HRIS API URL is refused (422 on `hris.api_base_url`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UnsafeUrl {
    #[error("must be an absolute URL of at most 2048 characters")]
    Malformed,
    #[error("must be an https:// URL")]
    NotHttps,
    #[error("must not contain a user name or password")]
    Userinfo,
    #[error("must not have a query or a fragment")]
    QueryOrFragment,
    #[error("must not name localhost or a loopback, link-local or private address")]
    InternalHost,
}

/// An HRIS API base URL that passed the policy, without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HrisBaseUrl(Url);

impl HrisBaseUrl {
    pub fn parse(raw: &str, policy: UrlPolicy) -> Result<Self, UnsafeUrl> {
        let raw = raw.trim();
        if raw.len() > MAX_URL_LENGTH {
            return Err(UnsafeUrl::Malformed);
        }
        // The WHATWG parser the `url` crate implements is the one that decides which host a
        // client reaches: `http://127.0.0.1:1@169.254.169.254/` names 169.254.169.254, and
        // `https://0x7f.1/` names 127.0.0.1.
        let url = Url::parse(raw).map_err(|_| UnsafeUrl::Malformed)?;
        let host = url.host().ok_or(UnsafeUrl::Malformed)?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(UnsafeUrl::Userinfo);
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(UnsafeUrl::QueryOrFragment);
        }
        let local_stand_in = policy == UrlPolicy::AlsoLocalhost && is_local_stand_in(&host);
        match url.scheme() {
            "https" => {}
            "http" if local_stand_in => {}
            _ => return Err(UnsafeUrl::NotHttps),
        }
        if !local_stand_in && is_internal(&host) {
            return Err(UnsafeUrl::InternalHost);
        }
        Ok(Self(url))
    }

    /// The URL as stored and shown, normalised by the parser, without a trailing slash.
    pub fn as_str(&self) -> &str {
        self.0.as_str().trim_end_matches('/')
    }

    /// The base followed by `segments`, each percent-escaped whole: an id like `../../x?y#z`
    /// stays one segment (`%2E%2E%2F%2E%2E%2Fx%3Fy%23z`): dots are escaped
    /// too, so no id is ever a `..` segment.
    pub fn join(&self, segments: &[&str]) -> String {
        let mut joined = self.as_str().to_owned();
        for segment in segments {
            joined.push('/');
            joined.push_str(&escape(segment));
        }
        joined
    }

    /// Whether `link` (a next-page URL the API answered) is on this base's scheme, host and
    /// port, without userinfo: the API key goes only where the base URL says.
    pub fn same_origin(&self, link: &str) -> bool {
        Url::parse(link).is_ok_and(|link| {
            link.origin() == self.0.origin() && link.username().is_empty() && link.password().is_none()
        })
    }
}

/// Everything but letters, digits, `-`, `_` and `~` is escaped, `.` and `/` included.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'~');

/// `text` percent-escaped for a URL path segment or query value.
pub fn escape(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// The two names a local stand-in may have.
fn is_local_stand_in(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => *name == "localhost",
        Host::Ipv4(address) => *address == Ipv4Addr::LOCALHOST,
        Host::Ipv6(_) => false,
    }
}

fn is_internal(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => {
            let name = name.trim_end_matches('.');
            name == "localhost" || name.ends_with(".localhost")
        }
        Host::Ipv4(address) => is_internal_v4(*address),
        Host::Ipv6(address) => is_internal_v6(*address),
    }
}

/// "This network" 0/8, loopback 127/8, RFC 1918 (10/8, 172.16/12, 192.168/16), link-local
/// 169.254/16 (the metadata endpoint), CGNAT 100.64/10, multicast 224/4 and reserved 240/4
/// (the broadcast address included).
fn is_internal_v4(address: Ipv4Addr) -> bool {
    let [a, b, ..] = address.octets();
    a == 0
        || address.is_loopback()
        || address.is_private()
        || address.is_link_local()
        || (a == 100 && (64..128).contains(&b))
        || a >= 224
}

/// Unspecified, loopback, unique local fc00::/7, link-local fe80::/10, site-local fec0::/10,
/// multicast ff00::/8, and IPv4 addresses embedded in IPv6 (mapped ::ffff:0:0/96, compatible
/// ::/96, NAT64 64:ff9b::/96) judged as IPv4.
fn is_internal_v6(address: Ipv6Addr) -> bool {
    let segments = address.segments();
    let embedded_v4 = || {
        let [.., high, low] = segments;
        Ipv4Addr::from((u32::from(high) << 16) | u32::from(low))
    };
    let first = segments[0];
    let compatible = segments[..6].iter().all(|segment| *segment == 0);
    let mapped = segments[..5].iter().all(|segment| *segment == 0) && segments[5] == 0xffff;
    let nat64 = segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0];
    address.is_unspecified()
        || address.is_loopback()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || (first & 0xffc0) == 0xfec0
        || (first & 0xff00) == 0xff00
        || ((compatible || mapped || nat64) && is_internal_v4(embedded_v4()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployed(raw: &str) -> Result<String, UnsafeUrl> {
        HrisBaseUrl::parse(raw, UrlPolicy::PublicHttpsOnly).map(|url| url.as_str().to_owned())
    }

    fn local(raw: &str) -> Result<String, UnsafeUrl> {
        HrisBaseUrl::parse(raw, UrlPolicy::AlsoLocalhost).map(|url| url.as_str().to_owned())
    }

    #[test]
    fn public_https_urls_are_accepted_and_normalised() {
        assert_eq!(
            deployed("https://api.bamboohr.com/api/gateway.php/acme/v1/").as_deref(),
            Ok("https://api.bamboohr.com/api/gateway.php/acme/v1")
        );
        assert_eq!(deployed(" HTTPS://HRIS.Example.com:8443 ").as_deref(), Ok("https://hris.example.com:8443"));
        assert_eq!(deployed("https://8.8.8.8/v1").as_deref(), Ok("https://8.8.8.8/v1"));
        assert_eq!(deployed("https://[2001:4860:4860::8888]/").as_deref(), Ok("https://[2001:4860:4860::8888]"));
    }

    #[test]
    fn the_userinfo_trick_and_internal_targets_are_refused() {
        let refused = [
            ("http://127.0.0.1:1@169.254.169.254/latest/meta-data", UnsafeUrl::Userinfo),
            ("https://127.0.0.1:1@169.254.169.254/", UnsafeUrl::Userinfo),
            ("https://user@hris.example.com/", UnsafeUrl::Userinfo),
            ("https://:secret@hris.example.com/", UnsafeUrl::Userinfo),
            ("https://hris.example.com/v1?x=1", UnsafeUrl::QueryOrFragment),
            ("https://hris.example.com/v1#top", UnsafeUrl::QueryOrFragment),
            ("http://hris.example.com/", UnsafeUrl::NotHttps),
            ("ftp://hris.example.com/", UnsafeUrl::NotHttps),
            ("file:///etc/passwd", UnsafeUrl::Malformed),
            ("hris.example.com/v1", UnsafeUrl::Malformed),
            ("https://", UnsafeUrl::Malformed),
            ("", UnsafeUrl::Malformed),
        ];
        for (raw, why) in refused {
            assert_eq!(deployed(raw), Err(why), "{raw}");
        }
        let internal = [
            "https://localhost/",
            "https://LOCALHOST./",
            "https://api.localhost/",
            "https://127.0.0.1/",
            "https://127.1.2.3/",
            "https://0x7f.1/",
            "https://2130706433/",
            "https://0.0.0.0/",
            "https://10.1.2.3/",
            "https://172.16.0.1/",
            "https://172.31.255.255/",
            "https://192.168.1.1/",
            "https://169.254.169.254/",
            "https://100.64.0.1/",
            "https://100.127.255.255/",
            "https://224.0.0.1/",
            "https://255.255.255.255/",
            "https://[::1]/",
            "https://[::]/",
            "https://[fc00::1]/",
            "https://[fd12:3456::1]/",
            "https://[fe80::1]/",
            "https://[febf::1]/",
            "https://[fec0::1]/",
            "https://[ff02::1]/",
            "https://[::ffff:169.254.169.254]/",
            "https://[::ffff:10.0.0.1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://[::127.0.0.1]/",
            "https://[64:ff9b::a9fe:a9fe]/",
        ];
        for raw in internal {
            assert_eq!(deployed(raw), Err(UnsafeUrl::InternalHost), "{raw}");
        }
        for public in ["https://172.32.0.1/", "https://100.128.0.1/", "https://[::ffff:8.8.8.8]/", "https://11.0.0.1/"]
        {
            assert!(deployed(public).is_ok(), "{public}");
        }
        assert_eq!(
            deployed(&format!("https://hris.example.com/{}", "a".repeat(MAX_URL_LENGTH))),
            Err(UnsafeUrl::Malformed)
        );
    }

    #[test]
    fn only_the_local_server_reaches_localhost_and_never_through_userinfo() {
        for stand_in in ["http://127.0.0.1:4010/v1", "http://localhost:4010/v1", "https://localhost/v1"] {
            assert!(deployed(stand_in).is_err(), "{stand_in}");
            assert_eq!(local(stand_in).as_deref(), Ok(stand_in), "{stand_in}");
        }
        for refused in [
            "http://127.0.0.1:1@169.254.169.254/",
            "http://169.254.169.254/",
            "http://10.0.0.1/",
            "http://[::1]:4010/",
            "http://hris.example.com/",
            "https://192.168.0.10/",
        ] {
            assert!(local(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn segments_from_event_data_stay_segments() {
        let base = HrisBaseUrl::parse("https://hris.example.com/v1", UrlPolicy::PublicHttpsOnly).unwrap();
        assert_eq!(
            base.join(&["employees", "../../x?y#z"]),
            "https://hris.example.com/v1/employees/%2E%2E%2F%2E%2E%2Fx%3Fy%23z"
        );
        assert_eq!(base.join(&["employees", ".."]), "https://hris.example.com/v1/employees/%2E%2E");
        assert_eq!(base.join(&["employees", "41"]), "https://hris.example.com/v1/employees/41");
        assert_eq!(escape("2026-11-25T08:00:00+00:00"), "2026-11-25T08%3A00%3A00%2B00%3A00");
        assert!(base.same_origin("https://hris.example.com/v1/employees/changed?page=2"));
        assert!(!base.same_origin("https://hris.example.com:444/v1"));
        assert!(!base.same_origin("http://hris.example.com/v1"));
        assert!(!base.same_origin("https://169.254.169.254/latest"));
        assert!(!base.same_origin("https://user:pw@hris.example.com/v1"));
        assert!(!base.same_origin("/v1/employees"));
    }
}
